"""Concurrency proofs on PostgreSQL with real concurrent connections: backers paying at
once are all counted and the counters equal the escrow; cancelling while the campaign
settles, and deposits paid while it settles, never count on a settled campaign and are
never lost: every deposit ends captured or refunded."""

import datetime

import pytest
from django.db.models import Sum

from fanrepublic.campaigns import services
from fanrepublic.campaigns.enums import BackingStatus, CampaignStatus
from fanrepublic.campaigns.models import Backing, Campaign
from fanrepublic.core.errors import Conflict, NotFound
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import RefundStatus
from fanrepublic.payments.models import Refund
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .factories import CampaignFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def escrow(campaign) -> int:
    total = Posting.objects.filter(account__code=f"campaign:{campaign.pk}:escrow:CNY").aggregate(
        total=Sum("amount_minor")
    )["total"]
    return -(total or 0)


def test_sixteen_backers_paying_at_once_are_all_counted():
    campaign = CampaignFactory(per_member_limit=3)
    members = [MemberFactory() for _ in range(16)]
    backings = [
        services.backing_start(actor=m, campaign=campaign, units=1 + i % 3, provider_code="offline")
        for i, m in enumerate(members)
    ]
    results, errors = run_at_once(
        lambda i: payments.offline_pay(actor=members[i], reference=backings[i].payment.reference).status, 16
    )
    assert errors == []
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.backer_count == 16
    assert campaign.units_held == sum(1 + i % 3 for i in range(16))
    assert campaign.deposits_held_fen == escrow(campaign) == campaign.units_held * 50_000


def test_settling_while_backers_cancel_and_pay_loses_nothing():
    campaign = CampaignFactory(goal_units=1)
    held = []
    for _ in range(6):
        member = MemberFactory()
        backing = services.backing_start(actor=member, campaign=campaign, units=1, provider_code="offline")
        payments.offline_pay(actor=member, reference=backing.payment.reference)
        held.append((member, backing))
    late = []
    for _ in range(6):
        member = MemberFactory()
        late.append(
            (
                member,
                services.backing_start(actor=member, campaign=campaign, units=1, provider_code="offline"),
            )
        )
    # The deadline passes while they act.
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=campaign.closes_at - datetime.timedelta(days=8))
    campaign = Campaign.objects.get(pk=campaign.pk)
    when = services.settle_due_at(campaign) + datetime.timedelta(seconds=1)

    def work(i):
        if i == 0:
            return services.campaign_settle(campaign=campaign, now=when).status
        if i <= 6:
            try:
                return services.backing_cancel(actor=held[i - 1][0], campaign=campaign).status
            except (Conflict, NotFound):
                return "too late"
        member, backing = late[i - 7]
        try:
            return payments.offline_pay(actor=member, reference=backing.payment.reference).status
        except Exception as exc:  # expired or no longer waiting: the page says so
            return type(exc).__name__

    results, errors = run_at_once(work, 13)
    assert errors == []
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.status == CampaignStatus.SUCCEEDED
    # Every deposit that arrived is captured or refunded (or its refund is on its way).
    for backing in Backing.objects.filter(campaign=campaign).select_related("payment"):
        payment = backing.payment
        if payment.status != "paid":
            continue
        if backing.status == BackingStatus.CAPTURED:
            assert not payment.refunds.exists()
        else:
            assert Refund.objects.filter(payment=payment).exclude(status=RefundStatus.FAILED).count() == 1
    captured = Backing.objects.filter(campaign=campaign, status=BackingStatus.CAPTURED)
    captured_fen = sum(captured.values_list("deposit_fen", flat=True))
    revenue = -(
        Posting.objects.filter(account__code="system:campaign-revenue:CNY").aggregate(t=Sum("amount_minor"))[
            "t"
        ]
        or 0
    )
    assert revenue == captured_fen
    assert ledger_problems() == []
