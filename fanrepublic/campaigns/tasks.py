from celery import shared_task

from .services import settle_due


@shared_task
def settle_campaigns() -> int:
    """Settle every campaign whose deadline (and the last deposits' time to pay) passed."""
    return settle_due()
