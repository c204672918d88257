from celery import shared_task

from .services import points_expire_due


@shared_task
def expire_points() -> int:
    return points_expire_due()
