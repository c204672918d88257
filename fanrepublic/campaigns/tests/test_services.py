"""Campaigns end to end through the demo's offline provider (the same payment services
as WeChat Pay and Alipay): back and pay, cancel, settle once either way, late deposits
refunded, and the ledger's escrow always equal to the deposits held."""

import datetime
import random

import pytest
from django.utils import timezone

from fanrepublic.campaigns import services
from fanrepublic.campaigns.enums import BackingStatus, CampaignStatus
from fanrepublic.campaigns.models import Backing, Campaign
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import PaymentStatus
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def balance(code: str) -> int:
    return sum(Posting.objects.filter(account__code=code).values_list("amount_minor", flat=True))


def escrow(campaign) -> int:
    """What the ledger holds for the campaign's backers (escrow runs negative: owed)."""
    return -balance(f"campaign:{campaign.pk}:escrow:CNY")


def back_and_pay(campaign, member=None, units=1):
    member = member or MemberFactory()
    backing = services.backing_start(actor=member, campaign=campaign, units=units, provider_code="offline")
    payments.offline_pay(actor=member, reference=backing.payment.reference)
    backing.refresh_from_db()
    return backing


def after_settlement(campaign):
    return services.settle_due_at(campaign) + datetime.timedelta(seconds=1)


def settle(campaign, on_commit):
    with on_commit():
        return services.campaign_settle(campaign=campaign, now=after_settlement(campaign))


def test_a_paid_deposit_is_held_and_counted():
    campaign = CampaignFactory()
    backing = back_and_pay(campaign, units=2)
    assert backing.status == BackingStatus.HELD and backing.deposit_fen == 100_000
    campaign.refresh_from_db()
    assert (campaign.backer_count, campaign.units_held, campaign.deposits_held_fen) == (1, 2, 100_000)
    assert campaign.pledged_fen == 2 * 399_900 and campaign.progress_percent == 20
    assert escrow(campaign) == 100_000


def test_an_unpaid_backing_counts_nothing():
    campaign = CampaignFactory()
    services.backing_start(actor=MemberFactory(), campaign=campaign, units=1, provider_code="offline")
    campaign.refresh_from_db()
    assert campaign.backer_count == 0 and escrow(campaign) == 0


def test_goal_met_captures_every_deposit_once(on_commit):
    campaign = CampaignFactory(goal_units=3)
    backers = [back_and_pay(campaign, units=u) for u in (1, 2)]
    settled = settle(campaign, on_commit)
    assert settled.status == CampaignStatus.SUCCEEDED
    assert set(Backing.objects.values_list("status", flat=True)) == {BackingStatus.CAPTURED}
    assert escrow(campaign) == 0
    assert -balance("system:campaign-revenue:CNY") == 150_000
    again = services.campaign_settle(
        campaign=campaign, now=after_settlement(campaign) + datetime.timedelta(days=1)
    )
    assert again.status == CampaignStatus.SUCCEEDED and -balance("system:campaign-revenue:CNY") == 150_000
    told = Notification.objects.filter(kind="campaign").values_list("recipient_id", flat=True)
    assert sorted(told) == sorted(b.member_id for b in backers)
    assert ledger_problems() == []


def test_goal_missed_refunds_every_deposit_in_full_once(on_commit):
    campaign = CampaignFactory(goal_units=10)
    backers = [back_and_pay(campaign, units=2) for _ in range(3)]
    settled = settle(campaign, on_commit)
    assert settled.status == CampaignStatus.FAILED
    assert set(Backing.objects.values_list("status", flat=True)) == {BackingStatus.REFUNDED}
    for backing in backers:
        backing.payment.refresh_from_db()
        assert backing.payment.refunded_fen == backing.payment.amount_fen == 100_000
    assert escrow(campaign) == 0 and balance("system:provider-offline:CNY") == 0
    with on_commit():
        services.refunds_request(campaign=campaign)  # run again: nothing more
    assert sum(b.payment.refunds.count() for b in backers) == 3
    assert ledger_problems() == []


def test_a_campaign_is_not_settled_before_the_last_deposits_could_be_paid():
    campaign = CampaignFactory()
    early = campaign.closes_at + datetime.timedelta(minutes=1)
    assert services.campaign_settle(campaign=campaign, now=early).status == CampaignStatus.OPEN


def test_cancelling_refunds_a_held_deposit_and_frees_the_place():
    campaign = CampaignFactory()
    member = MemberFactory()
    back_and_pay(campaign, member=member, units=2)
    cancelled = services.backing_cancel(actor=member, campaign=campaign)
    assert cancelled.status == BackingStatus.CANCELLED
    cancelled.payment.refresh_from_db()
    assert cancelled.payment.refunded_fen == 100_000
    campaign.refresh_from_db()
    assert (campaign.backer_count, campaign.units_held, campaign.deposits_held_fen) == (0, 0, 0)
    assert escrow(campaign) == 0
    again = back_and_pay(campaign, member=member, units=1)  # may back again
    assert again.status == BackingStatus.HELD
    with pytest.raises(NotFound):
        services.backing_cancel(actor=MemberFactory(), campaign=campaign)


def test_cancelling_an_unpaid_backing_closes_its_payment():
    campaign = CampaignFactory()
    member = MemberFactory()
    backing = services.backing_start(actor=member, campaign=campaign, units=1, provider_code="offline")
    services.backing_cancel(actor=member, campaign=campaign)
    backing.payment.refresh_from_db()
    assert backing.payment.status == PaymentStatus.CLOSED


def test_a_deposit_paid_after_the_backing_ended_is_refunded(on_commit):
    campaign = CampaignFactory()
    member = MemberFactory()
    backing = services.backing_start(actor=member, campaign=campaign, units=1, provider_code="offline")
    Backing.objects.filter(pk=backing.pk).update(status=BackingStatus.LAPSED)
    with on_commit():
        payments.offline_pay(actor=member, reference=backing.payment.reference)
    backing.payment.refresh_from_db()
    assert backing.payment.status == PaymentStatus.PAID and backing.payment.refunded_fen == 50_000
    campaign.refresh_from_db()
    assert campaign.backer_count == 0 and escrow(campaign) == 0


@pytest.mark.parametrize(
    ("units", "error"),
    [(0, ValidationFailed), (3, ValidationFailed), (-1, ValidationFailed), (True, ValidationFailed)],
)
def test_bad_unit_counts_are_refused(units, error):
    with pytest.raises(error):
        services.backing_start(
            actor=MemberFactory(), campaign=CampaignFactory(), units=units, provider_code="offline"
        )
    assert not Backing.objects.exists()


def test_one_live_backing_per_member():
    campaign = CampaignFactory()
    member = MemberFactory()
    back_and_pay(campaign, member=member)
    with pytest.raises(Conflict):
        services.backing_start(actor=member, campaign=campaign, units=1, provider_code="offline")


def test_eligibility_rules_are_enforced():
    campaign = CampaignFactory(min_trust_level=2, min_member_days=30)
    newcomer = MemberFactory(trust_level=0)
    with pytest.raises(Forbidden) as refused:
        services.backing_start(actor=newcomer, campaign=campaign, units=1, provider_code="offline")
    assert "trust level 2" in str(refused.value) and "30 days" in str(refused.value)
    veteran = MemberFactory(trust_level=2, date_joined=timezone.now() - datetime.timedelta(days=60))
    assert services.backing_start(actor=veteran, campaign=campaign, units=1, provider_code="offline")


def test_closed_campaigns_take_no_backers_and_no_cancellations():
    campaign = CampaignFactory(closes_at=timezone.now() + datetime.timedelta(seconds=1))
    member = MemberFactory()
    back_and_pay(campaign, member=member)
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    campaign.refresh_from_db()
    with pytest.raises(Conflict):
        services.backing_start(actor=MemberFactory(), campaign=campaign, units=1, provider_code="offline")
    with pytest.raises(Conflict):
        services.backing_cancel(actor=member, campaign=campaign)


def test_staff_calling_a_campaign_off_refunds_everyone(on_commit):
    campaign = CampaignFactory()
    backers = [back_and_pay(campaign) for _ in range(2)]
    with on_commit():
        services.campaign_cancel(actor=operator(), campaign=campaign, reason="Supplier fell through")
    for backing in backers:
        backing.refresh_from_db()
        assert backing.status == BackingStatus.REFUNDED
    assert escrow(campaign) == 0
    with pytest.raises(NotFound):
        services.campaign_cancel(actor=MemberFactory(), campaign=CampaignFactory(), reason="x")


def test_money_fields_are_fixed_once_open():
    campaign = CampaignFactory()
    with pytest.raises(ValidationFailed):
        services.campaign_edit(actor=operator(), campaign=campaign, deposit_fen=1)
    edited = services.campaign_edit(actor=operator(), campaign=campaign, description="New words")
    assert edited.description == "New words"


def test_updates_reach_every_backer():
    campaign = CampaignFactory()
    backers = [back_and_pay(campaign) for _ in range(3)]
    services.update_post(
        actor=operator(), campaign=campaign, title="Stretch goal reached", body="Titanium clasp"
    )
    told = set(Notification.objects.filter(kind="campaign").values_list("recipient_id", flat=True))
    assert told == {b.member_id for b in backers}


def reference_outcome(campaign_goal_units, campaign_goal_fen, unit_price, backings):
    """From the published rule alone: the held backings decide; met → all captured."""
    units = sum(u for u, state in backings if state == "held")
    met = (campaign_goal_units is None or units >= campaign_goal_units) and (
        campaign_goal_fen is None or units * unit_price >= campaign_goal_fen
    )
    deposits = sum(u * 50_000 for u, state in backings if state == "held")
    return met, deposits


@pytest.mark.parametrize("seed", range(6))
def test_settlement_agrees_with_the_rule_on_random_histories(seed, on_commit):
    rng = random.Random(seed)
    goal_units = rng.choice([None, 3, 6, 9])
    goal_fen = rng.choice([None, 1_000_000, 2_500_000]) if goal_units else rng.choice([1_000_000, 2_500_000])
    campaign = CampaignFactory(goal_units=goal_units, goal_fen=goal_fen, unit_price_fen=399_900)
    history = []
    for _ in range(rng.randint(0, 8)):
        member = MemberFactory()
        units = rng.randint(1, 2)
        action = rng.choice(["held", "held", "cancelled", "unpaid"])
        if action == "unpaid":
            services.backing_start(actor=member, campaign=campaign, units=units, provider_code="offline")
        else:
            back_and_pay(campaign, member=member, units=units)
            if action == "cancelled":
                services.backing_cancel(actor=member, campaign=campaign)
        history.append((units, action))
    met, deposits = reference_outcome(goal_units, goal_fen, 399_900, history)
    campaign.refresh_from_db()
    assert campaign.deposits_held_fen == deposits == escrow(campaign)
    settled = settle(campaign, on_commit)
    assert settled.status == (CampaignStatus.SUCCEEDED if met else CampaignStatus.FAILED)
    assert escrow(campaign) == 0
    assert -balance("system:campaign-revenue:CNY") == (deposits if met else 0)
    assert ledger_problems() == []
