"""Concurrency proofs on PostgreSQL with real concurrent connections: many buyers racing
for few units get each unit once (SKIP LOCKED hands each a different row); one member
racing themselves stays within the limit; payments racing the expiry of their holds and
new buyers never sell a unit twice, and every unit ends sold, held or in the pool."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from fanrepublic.core.errors import Conflict
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.flashsales import services
from fanrepublic.flashsales.enums import HoldStatus, UnitState
from fanrepublic.flashsales.models import Hold, Unit
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import services as payments

from .factories import open_sale

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def queued(sale, n):
    members = [MemberFactory() for _ in range(n)]
    for member in members:
        services.waiting_room_join(actor=member, sale=sale)
    return members


def test_twenty_four_buyers_for_eight_units_get_each_unit_once():
    sale = open_sale(units=8)
    members = queued(sale, 24)

    def work(i):
        try:
            hold = services.reserve(actor=members[i], sale=sale, provider_code="offline")
        except Conflict as exc:
            return exc.code
        payments.offline_pay(actor=members[i], reference=hold.payment.reference)
        return hold.unit_number

    results, errors = run_at_once(work, 24)
    assert errors == []
    units = sorted(r for r in results if isinstance(r, int))
    assert units == list(range(1, 9))
    refused = [r for r in results if isinstance(r, str)]
    assert len(refused) == 16 and set(refused) <= {"all_held", "sold_out"}
    assert Unit.objects.filter(sale=sale, state=UnitState.SOLD).count() == 8
    assert (
        Hold.objects.filter(sale=sale, status=HoldStatus.PAID)
        .values("unit_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
        == 0
    )


def test_one_member_racing_themselves_stays_within_the_limit():
    sale = open_sale(units=10, per_member_limit=2)
    (member,) = queued(sale, 1)

    def work(_i):
        try:
            return services.reserve(actor=member, sale=sale, provider_code="offline").unit_number
        except Conflict as exc:
            return exc.code

    results, errors = run_at_once(work, 8)
    assert errors == []
    assert len([r for r in results if isinstance(r, int)]) == 2
    assert Hold.objects.filter(sale=sale, member=member, status=HoldStatus.HELD).count() == 2


def test_payments_racing_expiry_and_new_buyers_never_sell_twice():
    sale = open_sale(units=4, hold_seconds=30)
    first = queued(sale, 4)
    holds = [services.reserve(actor=m, sale=sale, provider_code="offline") for m in first]
    # Every hold runs out; the first buyers pay at the same moment new buyers arrive and
    # the expiry sweep runs.
    past = timezone.now() - datetime.timedelta(seconds=61)
    Hold.objects.filter(sale=sale).update(expires_at=past)
    Unit.objects.filter(sale=sale).update(held_until=past)
    newcomers = queued(sale, 4)

    def work(i):
        try:
            if i < 4:
                payments.offline_pay(actor=first[i], reference=holds[i].payment.reference)
                return "paid"
            if i < 8:
                hold = services.reserve(actor=newcomers[i - 4], sale=sale, provider_code="offline")
                payments.offline_pay(actor=newcomers[i - 4], reference=hold.payment.reference)
                return "new"
            return services.holds_expire_due()
        except Exception as exc:  # refused: expired, no longer waiting, all held
            return type(exc).__name__

    results, errors = run_at_once(work, 9)
    assert errors == []
    per_unit = (
        Hold.objects.filter(sale=sale, status=HoldStatus.PAID).values("unit_number").annotate(n=Count("id"))
    )
    assert all(row["n"] == 1 for row in per_unit)
    sold = Unit.objects.filter(sale=sale, state=UnitState.SOLD).count()
    assert sold == per_unit.count()
    for unit in Unit.objects.filter(sale=sale):
        if unit.state == UnitState.SOLD:
            assert unit.hold.status == HoldStatus.PAID
        elif unit.state == UnitState.HELD:
            assert unit.hold.status == HoldStatus.HELD
        else:
            assert unit.hold_id is None
    # Every payment that went through is for a sold unit, or is refunded (or on its way).
    for hold in Hold.objects.filter(sale=sale).select_related("payment"):
        if hold.payment and hold.payment.status == "paid" and hold.status != HoldStatus.PAID:
            assert hold.payment.refunds.exists()
