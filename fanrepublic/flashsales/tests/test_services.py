"""Flash sales through the demo's offline provider: the waiting room and its draw
(recomputed from the published rule), reserving, paying, limits, holds that run out and
units that come back, payments that arrive too late, and the fairness record."""

import datetime
import hashlib
import hmac

import pytest
import time_machine
from django.utils import timezone

from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.flashsales import selectors, services
from fanrepublic.flashsales.enums import HoldStatus, UnitState
from fanrepublic.flashsales.models import Entrant, FlashSale, Hold, Unit
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import PaymentStatus
from fanrepublic.payments.models import OfflineTrade
from fanrepublic.points.selectors import ledger_problems

from .factories import open_sale

pytestmark = pytest.mark.django_db


def queued(sale, member=None):
    member = member or MemberFactory()
    services.waiting_room_join(actor=member, sale=sale)
    return member


def buy(sale, member=None):
    member = queued(sale, member)
    hold = services.reserve(actor=member, sale=sale, provider_code="offline")
    payments.offline_pay(actor=member, reference=hold.payment.reference)
    hold.refresh_from_db()
    return hold


def test_a_sale_makes_every_unit_and_commits_to_its_seed():
    sale = open_sale(units=7)
    assert list(Unit.objects.filter(sale=sale).values_list("number", flat=True).order_by("number")) == list(
        range(1, 8)
    )
    assert sale.seed_sha256 == hashlib.sha256(sale.seed.encode()).hexdigest()


def test_reserving_holds_a_unit_and_paying_sells_it():
    sale = open_sale()
    member = queued(sale)
    hold = services.reserve(actor=member, sale=sale, provider_code="offline")
    assert hold.status == HoldStatus.HELD and hold.unit_number == 1
    assert hold.payment.amount_fen == 500_000 and hold.payment.purpose_type == "flashsales.hold"
    payments.offline_pay(actor=member, reference=hold.payment.reference)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.PAID
    assert Unit.objects.get(sale=sale, number=1).state == UnitState.SOLD
    assert ledger_problems() == []


def test_the_last_unit_goes_to_one_member_and_then_it_is_sold_out():
    sale = open_sale(units=2)
    buy(sale)
    buy(sale)
    sale.refresh_from_db()
    assert sale.sold_out_at is not None
    with pytest.raises(Conflict) as refused:
        services.reserve(actor=queued(sale), sale=sale, provider_code="offline")
    assert refused.value.code == "sold_out"


def test_all_units_held_is_not_sold_out():
    sale = open_sale(units=1)
    services.reserve(actor=queued(sale), sale=sale, provider_code="offline")
    with pytest.raises(Conflict) as refused:
        services.reserve(actor=queued(sale), sale=sale, provider_code="offline")
    assert refused.value.code == "all_held"


def test_a_hold_that_runs_out_gives_its_unit_to_the_next_buyer_and_a_late_payment_is_refunded(on_commit):
    sale = open_sale(units=1, hold_seconds=30)
    slow = queued(sale)
    late_hold = services.reserve(actor=slow, sale=sale, provider_code="offline")
    Hold.objects.filter(pk=late_hold.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=61))
    Unit.objects.filter(sale=sale).update(held_until=timezone.now() - datetime.timedelta(seconds=61))
    quick_hold = buy(sale)  # takes the unit whose hold ran out
    assert quick_hold.status == HoldStatus.PAID and quick_hold.unit_number == 1
    late_hold.refresh_from_db()
    assert late_hold.status == HoldStatus.EXPIRED
    # The slow buyer's payment was closed when the unit went: paying is refused ...
    with pytest.raises(ValidationFailed):
        payments.offline_pay(actor=slow, reference=late_hold.payment.reference)
    # ... and money that arrives anyway (the provider took it) is refunded.
    Hold.objects.filter(pk=late_hold.pk).update(status=HoldStatus.HELD)
    OfflineTrade.objects.filter(reference=late_hold.payment.reference).update(
        closed=False, paid_at=timezone.now()
    )
    from fanrepublic.payments.providers.base import TRADE_PAID, Notice, TradeState

    with on_commit():
        payments.notice_apply(
            provider_code="offline",
            notice=Notice(
                notice_id="late",
                kind="paid",
                trade=TradeState(reference=late_hold.payment.reference, state=TRADE_PAID, amount_fen=500_000),
            ),
        )
    late_hold.payment.refresh_from_db()
    assert late_hold.payment.status == PaymentStatus.PAID and late_hold.payment.refunded_fen == 500_000
    assert Unit.objects.get(sale=sale).hold_id == quick_hold.pk
    assert ledger_problems() == []


def test_expiry_returns_units_and_closes_payments():
    sale = open_sale(units=1, hold_seconds=30)
    hold = services.reserve(actor=queued(sale), sale=sale, provider_code="offline")
    assert services.holds_expire_due(now=hold.expires_at + datetime.timedelta(seconds=61)) == 1
    hold.refresh_from_db()
    hold.payment.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED and hold.payment.status == PaymentStatus.CLOSED
    assert Unit.objects.get(sale=sale).state == UnitState.FREE


def test_the_per_member_limit_holds():
    sale = open_sale(units=5, per_member_limit=2)
    member = queued(sale)
    buy(sale, member)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    with pytest.raises(Conflict) as refused:
        services.reserve(actor=member, sale=sale, provider_code="offline")
    assert refused.value.code == "over_limit"


def test_giving_a_hold_back_returns_the_unit():
    sale = open_sale(units=1)
    member = queued(sale)
    hold = services.reserve(actor=member, sale=sale, provider_code="offline")
    services.hold_release(actor=member, hold=hold)
    assert Unit.objects.get(sale=sale).state == UnitState.FREE
    assert buy(sale).status == HoldStatus.PAID


def test_no_reserving_before_joining_or_before_the_turn():
    sale = open_sale(admit_per_second=1)
    with pytest.raises(Forbidden):
        services.reserve(actor=MemberFactory(), sale=sale, provider_code="offline")
    first, second = queued(sale), queued(sale)
    places = {m: Entrant.objects.get(sale=sale, member=m).position for m in (first, second)}
    later = max(places, key=places.get)
    FlashSale.objects.filter(pk=sale.pk).update(opens_at=timezone.now())
    sale.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.reserve(actor=later, sale=sale, provider_code="offline")
    assert refused.value.code == "not_your_turn"


def test_the_draw_agrees_with_the_published_rule():
    """Recompute the early entrants' order from the revealed seed alone."""
    now = timezone.now()
    sale = open_sale(opens_at=now + datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1))
    members = [queued(sale) for _ in range(12)]
    with time_machine.travel(now + datetime.timedelta(hours=1, seconds=5), tick=False):
        sale = services.draw(sale=sale)
        late = queued(sale)
        record = selectors.fairness_record(sale)
    assert hashlib.sha256(record["seed"].encode()).hexdigest() == sale.seed_sha256
    expected = sorted(
        members,
        key=lambda m: hmac.new(record["seed"].encode(), str(m.pk).encode(), hashlib.sha256).hexdigest(),
    )
    places = {e.member_id: e.position for e in Entrant.objects.filter(sale=sale)}
    assert [places[m.pk] for m in expected] == list(range(1, 13))
    assert places[late.pk] > 12
    assert record["entrants"] == 13 and record["drawn"] == 12


def test_eligibility_rules_keep_new_accounts_out():
    sale = open_sale(min_member_days=30, min_trust_level=1)
    with pytest.raises(Forbidden):
        services.waiting_room_join(actor=MemberFactory(trust_level=0), sale=sale)
    veteran = MemberFactory(trust_level=1, date_joined=timezone.now() - datetime.timedelta(days=40))
    assert services.waiting_room_join(actor=veteran, sale=sale)


def test_the_fairness_record_lists_the_order_units_went():
    sale = open_sale(units=3)
    holds = [buy(sale) for _ in range(3)]
    sale.refresh_from_db()
    record = selectors.fairness_record(sale)
    assert [row["unit"] for row in record["sold"]] == [h.unit_number for h in holds]
    assert record["sold_out_at"] is not None and record["tried"] == 3
    # Those refused tried too: the record counts them and every attempt.
    latecomer = queued(sale)
    for _ in range(2):
        with pytest.raises(Conflict):
            services.reserve(actor=latecomer, sale=sale, provider_code="offline")
    record = selectors.fairness_record(sale)
    assert record["tried"] == 4 and record["attempts"] == 5


def test_late_joiners_queue_right_behind_the_draw_of_their_own_sale():
    other = open_sale()
    for _ in range(5):
        queued(other)  # entrants of another sale must not push this sale's places back
    now = timezone.now()
    sale = open_sale(opens_at=now + datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1))
    early = [queued(sale) for _ in range(2)]
    with time_machine.travel(now + datetime.timedelta(hours=1, seconds=5), tick=False):
        first_late, second_late = queued(sale), queued(sale)
    places = {e.member_id: e.position for e in Entrant.objects.filter(sale=sale)}
    assert sorted(places[m.pk] for m in early) == [1, 2]
    assert (places[first_late.pk], places[second_late.pk]) == (3, 4)


def test_a_hold_in_its_grace_still_counts_towards_the_limit_and_keeps_its_unit():
    sale = open_sale(units=3, per_member_limit=1)
    member = queued(sale)
    hold = services.reserve(actor=member, sale=sale, provider_code="offline")
    just_ran_out = timezone.now() - datetime.timedelta(seconds=5)
    Hold.objects.filter(pk=hold.pk).update(expires_at=just_ran_out)
    Unit.objects.filter(sale=sale, number=hold.unit_number).update(held_until=just_ran_out)
    with pytest.raises(Conflict) as refused:
        services.reserve(actor=member, sale=sale, provider_code="offline")
    assert refused.value.code == "over_limit"
    other = services.reserve(actor=queued(sale), sale=sale, provider_code="offline")
    assert other.unit_number != hold.unit_number  # the unit waits for a late payment
