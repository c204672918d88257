from celery import shared_task

from . import services


@shared_task
def jurors_lapse() -> int:
    """Invitations to a jury not answered in time lapse; the next of each draw is invited."""
    return services.jurors_lapse()
