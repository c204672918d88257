import datetime

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .payout_transfers import payout_send, payouts_check_due
from .reconcile import bill_check
from .services import payments_check_due


@shared_task
def check_payments() -> dict:
    """Ask the providers about payments and refunds they have not reported. One run at a
    time: with a slow provider, overlapping runs would only multiply the calls to it."""
    if not cache.add("payments:check-running", 1, timeout=600):
        return {"skipped": True}
    try:
        return payments_check_due()
    finally:
        cache.delete("payments:check-running")


@shared_task
def check_yesterdays_bills() -> int:
    """Yesterday's bill of every provider against the ledger (providers publish the
    day's bill in the morning, China time); differences are kept for the console."""
    from .models import BillCheck
    from .providers.registry import enabled_codes

    day = timezone.localdate() - datetime.timedelta(days=1)
    done = 0
    for code in enabled_codes():
        if (
            code in settings.PAYMENTS_BILL_CHECK_PROVIDERS
            and not BillCheck.objects.filter(provider=code, bill_date=day, error="").exists()
        ):
            bill_check(provider_code=code, day=day)
            done += 1
    return done


@shared_task
def send_payout(payout_id: int) -> None:
    """Hand a requested payout to its provider (after the request committed). Safe to run
    twice: the same payout is the same transfer at the provider."""
    payout_send(payout_id=payout_id)


@shared_task
def check_payouts() -> dict:
    """Send the payouts never sent and ask the providers about those not settled. One run
    at a time, as check_payments."""
    if not cache.add("payments:payouts-check-running", 1, timeout=600):
        return {"skipped": True}
    try:
        return payouts_check_due()
    finally:
        cache.delete("payments:payouts-check-running")
