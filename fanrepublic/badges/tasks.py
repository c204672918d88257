from celery import shared_task

from .services import badges_evaluate


@shared_task
def evaluate_all_badges() -> int:
    return badges_evaluate()
