"""Sending the refunds a failed or called-off campaign recorded (campaigns.services
records them in batches and queues this task, so no request waits for a provider)."""

import logging

from celery import shared_task

from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import RefundStatus
from fanrepublic.payments.models import Refund

log = logging.getLogger(__name__)


def refunds_send(*, campaign_id: int) -> int:
    """Send every refund of this campaign's deposits that is still to be sent."""
    sent = 0
    waiting = Refund.objects.filter(
        status=RefundStatus.REQUESTED,
        payment__purpose_type="campaigns.backing",
        payment__backing__campaign_id=campaign_id,
    ).values_list("pk", flat=True)
    for refund_id in list(waiting):
        try:
            payments.refund_submit(refund_id=refund_id)
            sent += 1
        except Exception:
            log.exception("refund %s not sent; the periodic check sends it", refund_id)
    return sent


@shared_task
def send_refunds(campaign_id: int) -> int:
    """Send the refunds a failed or called-off campaign recorded."""
    return refunds_send(campaign_id=campaign_id)
