from celery import shared_task

from .services import proposals_expire_due, rounds_open_due, statements_issue_due


@shared_task
def rounds_and_expiry() -> int:
    """Open the review round at its cutoff with the ideas that qualified, and expire the
    ideas whose time to gather support is over; returns how many expired."""
    rounds_open_due()
    return proposals_expire_due()


@shared_task
def royalty_statements() -> int:
    """Each accepted adoption's statements for the months that ended (once each)."""
    return statements_issue_due()
