from celery import shared_task

from .services import admission_tidy, draws_due, holds_expire_due, holds_warn_due


@shared_task
def expire_holds() -> int:
    """Draw the sales that opened; warn members whose hold runs out within a minute; give
    run-out holds' units back; with Redis deciding, keep its keys in step."""
    draws_due()
    admission_tidy()
    holds_warn_due()
    return holds_expire_due()
