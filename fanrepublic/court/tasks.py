from celery import shared_task

from . import services


@shared_task
def jurors_lapse() -> int:
    """Invitations to a jury not answered in time lapse; the next of each draw is invited."""
    return services.jurors_lapse()


@shared_task
def deadlines() -> dict:
    """Every step's deadline: reminders, escalations to the founder, verdicts made final,
    cases closed (deadlines.deadlines_run)."""
    from .deadlines import deadlines_run

    return deadlines_run()
