"""Sending the refunds a failed or called-off campaign recorded (campaigns.services
records them in batches and queues this task, so no request waits for a provider)."""

import logging

from celery import shared_task

from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import RefundStatus
from fanrepublic.payments.models import Refund

from .enums import BackingStatus
from .models import Backing

log = logging.getLogger(__name__)


BATCH = 500


def refunds_send(*, campaign_id: int, batch: int = BATCH) -> int:
    """Send every refund of this campaign's deposits that is still to be sent, a batch
    at a time (payments applies each batch's answers in one transaction). A batch that
    fails is logged and left to the periodic check; the next one goes on."""
    sent = 0
    last = 0
    while True:
        # The campaign's refunding backings a batch at a time (its (campaign, status)
        # index), then their refunds still to send (by payment): two index walks, where a
        # join from the refunds' side would scan every refund waiting anywhere.
        backings = list(
            Backing.objects.filter(campaign_id=campaign_id, status=BackingStatus.REFUNDING, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "payment_id")[:batch]
        )
        if not backings:
            return sent
        last = backings[-1][0]
        ids = list(
            Refund.objects.filter(
                payment_id__in=[payment_id for _pk, payment_id in backings], status=RefundStatus.REQUESTED
            ).values_list("pk", flat=True)
        )
        if not ids:
            continue
        try:
            sent += payments.refunds_submit(refund_ids=ids)
        except Exception:
            log.exception("refunds %s..%s not sent; the periodic check sends them", ids[0], ids[-1])


@shared_task
def send_refunds(campaign_id: int) -> int:
    """Send the refunds a failed or called-off campaign recorded."""
    return refunds_send(campaign_id=campaign_id)
