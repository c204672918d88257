import logging

from celery import shared_task

from . import registry
from .models import Event

logger = logging.getLogger(__name__)


class HandlerErrors(Exception):
    pass


@shared_task(autoretry_for=(HandlerErrors,), retry_backoff=True, max_retries=5, acks_late=True)
def dispatch_events(event_ids: list[int]) -> int:
    """Run every subscribed handler for these events. One failing handler does not stop
    the others; the task then retries, which is safe because handlers are idempotent."""
    failures = []
    ran = 0
    for event in Event.objects.filter(pk__in=event_ids).order_by("pk"):
        for handler in registry.handlers_for(event.verb):
            try:
                handler(event)
                ran += 1
            except Exception as exc:  # noqa: BLE001 - isolate handlers from each other
                logger.exception("handler %s failed on event %s", registry.handler_name(handler), event.pk)
                failures.append((registry.handler_name(handler), event.pk, exc))
    if failures:
        raise HandlerErrors(failures)
    return ran
