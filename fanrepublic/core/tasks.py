from django.conf import settings
from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send a Celery task once the surrounding transaction commits, never before, so a
    worker never looks for a row that is not there yet. In-process (eager) execution
    logs failures instead of breaking a request whose data is already committed; the test
    settings make them raise so that a broken handler fails its test."""
    robust = not getattr(settings, "TASKS_RAISE_ON_COMMIT", False)
    transaction.on_commit(lambda: task.delay(*args, **kwargs), robust=robust)
