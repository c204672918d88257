from celery import shared_task

from . import services, temperature


@shared_task
def mark_unanswered_questions() -> int:
    return services.questions_mark_unanswered()


@shared_task
def sweep_rules() -> int:
    return services.rules_sweep()


@shared_task
def recompute_temperatures() -> int:
    return temperature.temperatures_recompute()


@shared_task(acks_late=True)
def process_messages(ids: list[int]) -> int:
    """Understand stored chat messages (safe to run twice: processed ones are skipped)."""
    return services.messages_process(ids=ids)


@shared_task
def process_waiting_messages() -> int:
    """Catch messages whose processing task was lost (a worker died): every few minutes."""
    return services.messages_process_waiting()
