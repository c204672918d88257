"""Flash reservations decided in Redis (admission.py) and stored by the writer: the hot
path's answers for every credential and state, holds stored once, units that come back
exactly once, keys rebuilt from the rows and the unstored stream, a lost return put
right, and a random run of every operation checked against the rows after each step.
Runs on SQLite and PostgreSQL alike, on a throw-away redis-server of its own."""

import contextlib
import datetime
import random
import threading
import uuid

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from fanrepublic.core import redis_wire
from fanrepublic.core.errors import Conflict, RateLimited
from fanrepublic.core.tests.redis_server import RedisServer
from fanrepublic.flashsales import admission, selectors, services
from fanrepublic.flashsales.enums import HoldStatus, UnitState
from fanrepublic.flashsales.models import Entrant, Hold, Unit
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import services as payments

from .factories import open_sale

pytestmark = pytest.mark.django_db(transaction=True)


def forget_redis():
    admission.reset_client()
    selectors._TERMS.clear()
    while not redis_wire.WIRES.empty():
        redis_wire.WIRES.get_nowait().close()


@pytest.fixture(autouse=True)
def flash_redis(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.FLASHSALES_REDIS_ADMISSION = True
    settings.FLASHSALES_STORE_WAIT_SECONDS = 0
    settings.LAUNCH_QUEUE_PREFIX = f"flash-{uuid.uuid4().hex[:8]}"
    forget_redis()
    yield server
    server.kill()
    forget_redis()


def queued(sale, member=None):
    member = member or MemberFactory()
    services.waiting_room_join(actor=member, sale=sale)
    return member


def flash_pass(sale, member):
    return services.place_of(sale=sale, member=member)["pass"]


def hold_json(client, sale, token):
    return client.post(f"/flash/{sale.slug}/hold", HTTP_X_FLASH_PASS=token or "")


def redis_free(sale) -> list[int]:
    return sorted(int(u) for u in admission.client().zrange(admission.key(sale.pk, "free"), 0, -1))


def redis_counts(sale) -> dict[int, int]:
    found = admission.client().hgetall(admission.key(sale.pk, "holders"))
    return {int(m): int(n) for m, n in found.items() if int(n)}


def rows_free(sale) -> list[int]:
    return sorted(Unit.objects.filter(sale=sale, state=UnitState.FREE).values_list("number", flat=True))


def live_counts(sale) -> dict[int, int]:
    counts: dict[int, int] = {}
    for member_id in Hold.objects.filter(
        sale=sale, status__in=[HoldStatus.HELD, HoldStatus.PAID]
    ).values_list("member_id", flat=True):
        counts[member_id] = counts.get(member_id, 0) + 1
    return counts


def assert_in_step(sale):
    """With the stream stored: Redis's pool is the rows' free units and each member's
    count their live and paid holds; no unit is held by two holds; every unit counted."""
    admission.drain()
    assert redis_free(sale) == rows_free(sale)
    assert redis_counts(sale) == live_counts(sale)
    live = list(
        Hold.objects.filter(sale=sale, status__in=[HoldStatus.HELD, HoldStatus.PAID]).values_list(
            "unit_number", flat=True
        )
    )
    assert len(live) == len(set(live))
    for unit in Unit.objects.filter(sale=sale).exclude(state=UnitState.FREE).select_related("hold"):
        assert unit.hold.unit_number == unit.number and unit.hold.status in (HoldStatus.HELD, HoldStatus.PAID)
    assert Unit.objects.filter(sale=sale).count() == sale.units


# ------------------------------------------------------------------ the hot path


def test_the_hot_path_holds_a_unit_the_writer_stores_and_the_member_pays(client):
    sale = open_sale(units=3)
    member = queued(sale)
    answer = hold_json(client, sale, flash_pass(sale, member))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["unit_number"] == 1 and body["ticket"]
    # Decided, not stored yet: the rows still say free until the writer runs.
    assert Unit.objects.get(sale=sale, number=1).state == UnitState.FREE
    admission.drain()
    hold = Hold.objects.get(ticket=body["ticket"])
    assert (hold.member_id, hold.unit_number, hold.status, hold.payment_id) == (member.pk, 1, "held", None)
    assert Unit.objects.get(sale=sale, number=1).hold_id == hold.pk
    paid = services.hold_pay(actor=member, hold=hold, provider_code="offline")
    assert paid.payment.amount_fen == sale.price_fen and paid.payment.expires_at == hold.expires_at
    # Asking again (a second click) answers with the same payment.
    assert services.hold_pay(actor=member, hold=hold, provider_code="offline").payment_id == paid.payment_id
    payments.offline_pay(actor=member, reference=paid.payment.reference)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.PAID
    assert Unit.objects.get(sale=sale, number=1).state == UnitState.SOLD
    assert_in_step(sale)


@pytest.mark.parametrize("case", ["none", "forged", "other_sale", "tampered_place", "session_only"])
def test_the_hot_path_refuses_without_a_valid_pass(client, case):
    sale = open_sale(units=2)
    other = open_sale(units=2)
    member = queued(sale)
    queued(other, member)
    token = {
        "none": "",
        "forged": f"{sale.pk}:{member.pk}:1:forged",
        "other_sale": flash_pass(other, member),
        "tampered_place": flash_pass(sale, member).replace(f":{member.pk}:1:", f":{member.pk}:0:"),
        "session_only": "",
    }[case]
    if case == "session_only":
        client.force_login(member)
    answer = hold_json(client, sale, token)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "pass_invalid"
    assert redis_free(sale) == [1, 2] or not admission.client().exists(admission.key(sale.pk, "state"))


def test_the_hot_path_is_not_there_without_redis_admission(client, settings):
    sale = open_sale(units=2)
    member = queued(sale)
    token = flash_pass(sale, member)
    settings.FLASHSALES_REDIS_ADMISSION = False
    assert hold_json(client, sale, token).status_code == 404


def test_a_draft_or_missing_sale_is_404(client):
    sale = open_sale(units=2)
    member = queued(sale)
    token = flash_pass(sale, member)
    type(sale).objects.filter(pk=sale.pk).update(status="draft")
    assert hold_json(client, sale, token).status_code == 404
    assert client.post("/flash/no-such-sale/hold", HTTP_X_FLASH_PASS=token).status_code == 404


def test_the_hot_path_answers_each_refusal(client, settings):
    sale = open_sale(units=2, admit_per_second=1)
    first, second, third = queued(sale), queued(sale), queued(sale)
    # Only place 1 is let in during the first second.
    behind = hold_json(client, sale, flash_pass(sale, third))
    assert behind.status_code == 409 and behind.json()["error"]["code"] == "not_your_turn"
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        assert hold_json(client, sale, flash_pass(sale, first)).status_code == 201
        again = hold_json(client, sale, flash_pass(sale, first))
        assert again.json()["error"]["code"] == "over_limit"
        assert hold_json(client, sale, flash_pass(sale, second)).status_code == 201
        held = hold_json(client, sale, flash_pass(sale, third))
        assert held.status_code == 409 and held.json()["error"]["code"] == "all_held"
    admission.drain()
    for member in (first, second):
        hold = Hold.objects.get(sale=sale, member=member)
        payments.offline_pay(
            actor=member,
            reference=services.hold_pay(actor=member, hold=hold, provider_code="offline").payment.reference,
        )
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        sold = hold_json(client, sale, flash_pass(sale, third))
        assert sold.json()["error"]["code"] == "sold_out"
    assert_in_step(sale)


def test_closing_a_sale_stops_reservations_at_once(client):
    from fanrepublic.members.tests.factories import operator

    sale = open_sale(units=2)
    member = queued(sale)
    services.sale_close(actor=operator(), sale=sale, reason="Recall")
    answer = hold_json(client, sale, flash_pass(sale, member))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "sale_closed"


def test_too_many_attempts_answer_429_with_retry_after(client, settings):
    settings.FLASHSALES_RESERVE_RATE = "3/m"
    sale = open_sale(units=5)
    member = queued(sale)
    token = flash_pass(sale, member)
    codes = [hold_json(client, sale, token).status_code for _ in range(4)]
    assert codes == [201, 409, 409, 429]
    limited = hold_json(client, sale, token)
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 61
    assert redis_counts(sale) == {member.pk: 1}


def test_attempts_reach_the_fairness_record(client):
    sale = open_sale(units=1)
    a, b = queued(sale), queued(sale)
    hold_json(client, sale, flash_pass(sale, a))
    hold_json(client, sale, flash_pass(sale, b))
    hold_json(client, sale, flash_pass(sale, b))
    services.admission_tidy()
    assert dict(Entrant.objects.filter(sale=sale).values_list("member_id", "attempts")) == {a.pk: 1, b.pk: 2}
    record = selectors.fairness_record(sale)
    assert (record["tried"], record["attempts"]) == (2, 3)


# ------------------------------------------------------------------ the page and API paths


def test_the_page_reserves_then_pays_once_the_hold_is_stored(client):
    sale = open_sale(units=2)
    member = queued(sale)
    client.force_login(member)
    answer = client.post(f"/flash/{sale.slug}/reserve/", {"provider": "offline"})
    assert answer.status_code == 302 and answer["Location"] == sale.get_absolute_url()
    admission.drain()
    hold = Hold.objects.get(sale=sale, member=member)
    page = client.get(f"/flash/{sale.slug}/room/")
    assert f"/flash/{sale.slug}/holds/{hold.pk}/pay/" in page.content.decode()
    paid = client.post(f"/flash/{sale.slug}/holds/{hold.pk}/pay/", {"provider": "offline"})
    hold.refresh_from_db()
    assert paid.status_code == 302 and paid["Location"] == hold.payment.get_absolute_url()
    # Someone else's hold: 404, nothing started.
    intruder = queued(sale)
    client.force_login(intruder)
    assert client.post(f"/flash/{sale.slug}/holds/{hold.pk}/pay/", {"provider": "offline"}).status_code == 404


def test_the_api_answers_202_then_lists_and_pays_the_hold(client):
    from fanrepublic.members.services import api_token_create

    sale = open_sale(units=2)
    member = MemberFactory()
    _token, secret = api_token_create(owner=member, name="phone", scopes=["write"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    joined = client.post(f"/api/v1/flash/{sale.slug}/queue", **auth)
    assert joined.status_code == 200 and joined.json()["flash_pass"]
    answer = client.post(
        f"/api/v1/flash/{sale.slug}/reserve", {"provider": "offline"}, content_type="application/json", **auth
    )
    assert answer.status_code == 202 and answer.json()["unit_number"] == 1
    admission.drain()
    listed = client.get(f"/api/v1/flash/{sale.slug}/holds", **auth).json()
    assert [(h["unit_number"], h["payment"]) for h in listed] == [(1, None)]
    paid = client.post(
        f"/api/v1/flash/{sale.slug}/holds/{listed[0]['id']}/pay",
        {"provider": "offline"},
        content_type="application/json",
        **auth,
    )
    assert paid.status_code == 200 and paid.json()["checkout_url"]
    # The pass from /queue works on the hot path (over the limit now).
    again = hold_json(client, sale, joined.json()["flash_pass"])
    assert again.json()["error"]["code"] == "over_limit"


# ------------------------------------------------------------------ units coming back


def test_a_hold_that_runs_out_returns_its_unit_and_the_members_count_once():
    sale = open_sale(units=1, hold_seconds=60)
    member = queued(sale)
    admitted = services.reserve(actor=member, sale=sale, provider_code="offline")
    assert isinstance(admitted, services.Admitted)
    admission.drain()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        assert services.holds_expire_due() == 1
    assert redis_free(sale) == [1] and redis_counts(sale) == {}
    hold = Hold.objects.get(sale=sale)
    # Told again (a retried callback): nothing changes.
    admission.give_back(sale_id=sale.pk, hold_id=hold.pk, member_id=member.pk, unit=1)
    assert redis_counts(sale) == {}
    with pytest.raises(Conflict) as paying:
        services.hold_pay(actor=member, hold=hold, provider_code="offline")
    assert paying.value.code == "hold_ended"
    # The member may try again, and gets the unit back.
    assert services.reserve(actor=member, sale=sale, provider_code="offline").unit_number == 1
    assert_in_step(sale)


def test_giving_a_hold_back_returns_the_unit():
    sale = open_sale(units=1)
    member, other = queued(sale), queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    admission.drain()
    services.hold_release(actor=member, hold=Hold.objects.get(sale=sale, member=member))
    assert services.reserve(actor=other, sale=sale, provider_code="offline").unit_number == 1
    assert_in_step(sale)


def test_a_late_payment_for_a_hold_that_ran_out_is_refunded_and_changes_nothing_in_redis():
    sale = open_sale(units=1, hold_seconds=60)
    member = queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    admission.drain()
    hold = services.hold_pay(
        actor=member, hold=Hold.objects.get(sale=sale, member=member), provider_code="offline"
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        services.holds_expire_due()
    other = queued(sale)
    services.reserve(actor=other, sale=sale, provider_code="offline")
    admission.drain()
    assert_in_step(sale)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED and hold.payment.status != "paid"


# ------------------------------------------------------------------ the writer


def test_a_batch_stored_twice_is_stored_once():
    sale = open_sale(units=3)
    members = [queued(sale) for _ in range(3)]
    for member in members:
        services.reserve(actor=member, sale=sale, provider_code="offline")
    entries = admission._parse(admission.client().xrange(admission.stream()))
    assert admission.store_entries(entries) == 3
    assert admission.store_entries(entries) == 0
    assert Hold.objects.filter(sale=sale).count() == 3
    admission.drain()
    assert_in_step(sale)


def test_a_unit_that_is_not_free_in_the_rows_is_not_taken_and_the_member_is_told_by_their_count():
    sale = open_sale(units=2)
    member = queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    # Something outside the rules held unit 1 in the rows meanwhile.
    intruder = Hold.objects.create(
        sale=sale,
        member=MemberFactory(),
        unit_number=1,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    Unit.objects.filter(sale=sale, number=1).update(state=UnitState.HELD, hold=intruder)
    admission.drain()
    refused = Hold.objects.get(sale=sale, member=member)
    assert refused.status == HoldStatus.EXPIRED
    assert Unit.objects.get(sale=sale, number=1).hold_id == intruder.pk
    assert member.pk not in redis_counts(sale)


def test_keys_lost_are_rebuilt_from_the_rows_and_the_unstored_stream():
    sale = open_sale(units=4, per_member_limit=2)
    a, b = queued(sale), queued(sale)
    services.reserve(actor=a, sale=sale, provider_code="offline")
    admission.drain()  # unit 1 stored for a
    services.reserve(actor=a, sale=sale, provider_code="offline")  # unit 2: in the stream only
    services.reserve(actor=b, sale=sale, provider_code="offline")  # unit 3: in the stream only
    r = admission.client()
    r.delete(*[admission.key(sale.pk, name) for name in ("state", "free", "holders", "returned", "seq")])
    # The next reservation finds no keys, rebuilds them, and gets the one unit left.
    assert services.reserve(actor=b, sale=sale, provider_code="offline").unit_number == 4
    assert redis_counts(sale) == {a.pk: 2, b.pk: 2}
    with pytest.raises(Conflict) as full:
        services.reserve(actor=queued(sale), sale=sale, provider_code="offline")
    assert full.value.code == "all_held"
    assert_in_step(sale)


def test_a_lost_return_is_put_right_by_the_periodic_tidy(monkeypatch):
    sale = open_sale(units=1, hold_seconds=60)
    member = queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    admission.drain()
    # The process died between the commit and the call to Redis.
    monkeypatch.setattr(admission, "give_back", lambda **kwargs: None)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        services.holds_expire_due()
    monkeypatch.undo()
    assert redis_free(sale) == [] and rows_free(sale) == [1]
    services.admission_tidy()
    assert redis_free(sale) == [1] and redis_counts(sale) == {}
    # The return arriving late after all changes nothing (the hold is counted as returned).
    hold = Hold.objects.get(sale=sale)
    admission.give_back(sale_id=sale.pk, hold_id=hold.pk, member_id=member.pk, unit=1)
    assert redis_counts(sale) == {} and redis_free(sale) == [1]


def test_a_sync_that_races_a_reservation_starts_again():
    sale = open_sale(units=2)
    member = queued(sale)
    real = admission._unstored
    raced = []

    def racing(sale_id):
        found = real(sale_id)
        if not raced:
            raced.append(True)
            services.reserve(actor=member, sale=sale, provider_code="offline")
        return found

    admission.arm(sale)
    admission._unstored = racing
    try:
        assert admission.sync(sale, tries=1) is False
        assert admission.sync(sale) is True
    finally:
        admission._unstored = real
    assert redis_free(sale) == [2] and redis_counts(sale) == {member.pk: 1}


# ------------------------------------------------------------------ many at once


def test_concurrent_buyers_get_different_units_and_nobody_more_than_their_limit(client):
    sale = open_sale(units=5, per_member_limit=1)
    members = [queued(sale) for _ in range(12)]
    tokens = [flash_pass(sale, m) for m in members]
    answers, lock = [], threading.Lock()

    def buyer(token):
        from django.test import Client

        for _ in range(3):
            response = Client().post(f"/flash/{sale.slug}/hold", HTTP_X_FLASH_PASS=token)
            with lock:
                answers.append((token, response.status_code, response.json()))
        connection.close()

    threads = [threading.Thread(target=buyer, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [body["unit_number"] for _t, status, body in answers if status == 201]
    assert sorted(won) == [1, 2, 3, 4, 5]
    assert len({t for t, status, _b in answers if status == 201}) == 5
    assert {body["error"]["code"] for _t, status, body in answers if status != 201} <= {
        "over_limit",
        "all_held",
    }
    assert_in_step(sale)


@pytest.mark.parametrize("seed", range(6))
def test_a_random_run_of_every_operation_keeps_redis_and_the_rows_in_step(seed):
    """Reserve, store, pay, give back, run out and lose a return, in a random order; after
    each step nobody is over their limit and no unit is in two places; at the end Redis
    and the rows agree exactly (the reference: the rows, changed only by the services)."""
    rng = random.Random(seed)
    sale = open_sale(units=4, per_member_limit=2, hold_seconds=60)
    members = [queued(sale) for _ in range(5)]
    clock = timezone.now()
    for _step in range(40):
        action = rng.choice(["reserve", "reserve", "reserve", "store", "pay", "release", "expire", "lose"])
        member = rng.choice(members)
        with time_machine.travel(clock):
            if action == "reserve":
                with contextlib.suppress(Conflict, RateLimited):
                    services.reserve(actor=member, sale=sale, provider_code="offline")
            elif action == "store":
                admission.drain()
            elif action in ("pay", "release"):
                hold = Hold.objects.filter(sale=sale, member=member, status=HoldStatus.HELD).first()
                if hold is not None and hold.expires_at > clock:
                    if action == "release":
                        services.hold_release(actor=member, hold=hold)
                    else:
                        paid = services.hold_pay(actor=member, hold=hold, provider_code="offline")
                        payments.offline_pay(actor=member, reference=paid.payment.reference)
            elif action == "expire":
                clock += datetime.timedelta(seconds=rng.choice([30, 200]))
                with time_machine.travel(clock):
                    services.holds_expire_due()
            else:
                real = admission.give_back
                admission.give_back = lambda **kwargs: None
                try:
                    clock += datetime.timedelta(seconds=200)
                    with time_machine.travel(clock):
                        services.holds_expire_due()
                finally:
                    admission.give_back = real
        for member_id, n in live_counts(sale).items():
            assert n <= sale.per_member_limit, (member_id, n)
        pending = {
            u for _t, _s, _m, u, _at in admission._parse(admission.client().xrange(admission.stream()))
        }
        assert not set(redis_free(sale)) & pending
        assert not set(redis_free(sale)) & set(
            Unit.objects.filter(sale=sale).exclude(state=UnitState.FREE).values_list("number", flat=True)
        )
    with time_machine.travel(clock):
        admission.drain()
        services.admission_tidy()
    assert_in_step(sale)


def test_the_writer_command_stores_what_is_waiting():
    from django.core.management import call_command

    sale = open_sale(units=2)
    members = [queued(sale), queued(sale)]
    for member in members:
        services.reserve(actor=member, sale=sale, provider_code="offline")
    call_command("flash_writer", "--once")
    assert sorted(Hold.objects.filter(sale=sale).values_list("unit_number", flat=True)) == [1, 2]
    assert admission.client().xlen(admission.stream()) == 0
    assert_in_step(sale)


def test_the_writer_command_refuses_without_redis(settings):
    from django.core.management import CommandError, call_command

    settings.FLASHSALES_REDIS_ADMISSION = False
    with pytest.raises(CommandError):
        call_command("flash_writer", "--once")


# ------------------------------------------------------------------ after review


def test_a_pass_with_odd_characters_is_refused_not_an_error(client):
    sale = open_sale(units=1)
    member = queued(sale)
    for token in (f"{sale.pk}:{member.pk}:1:1:é", "x" * 5000, f"{sale.pk}:{member.pk}:1:1:\u202e"):
        answer = client.post(f"/flash/{sale.slug}/hold", HTTP_X_FLASH_PASS=token.encode().decode("latin-1"))
        assert answer.status_code == 401


def test_a_second_payment_closed_at_once_does_not_end_the_hold():
    sale = open_sale(units=1)
    member = queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    admission.drain()
    hold = Hold.objects.get(sale=sale)
    first = services._payment_for(member, sale, hold, "offline")
    second = services._payment_for(member, sale, hold, "offline")
    Hold.objects.filter(pk=hold.pk).update(payment=first)
    payments.payment_close_quietly(payment=second)  # the losing click's payment
    hold.refresh_from_db()
    assert hold.status == HoldStatus.HELD and Unit.objects.get(sale=sale, number=1).hold_id == hold.pk
    payments.offline_pay(actor=member, reference=first.reference)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.PAID


def test_a_sync_never_reopens_a_closed_sale(client):
    from fanrepublic.members.tests.factories import operator

    sale = open_sale(units=2)
    member = queued(sale)
    admission.arm(sale)
    stale = type(sale).objects.get(pk=sale.pk)
    services.sale_close(actor=operator(), sale=sale, reason="Recall")
    # A sync that read the sale before it closed (its rows say open) writes its picture.
    stale.status = "scheduled"
    stale.refresh_from_db = lambda **kwargs: None
    admission.sync(stale)
    assert hold_json(client, sale, flash_pass(sale, member)).json()["error"]["code"] == "sale_closed"


def test_the_database_away_leaves_the_batch_pending(monkeypatch):
    from django.db import OperationalError

    sale = open_sale(units=1)
    member = queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")

    def away(entries):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(admission, "store_entries", away)
    with pytest.raises(OperationalError):
        admission.write_batch("w1", claim_idle_ms=None)
    monkeypatch.undo()
    assert admission.client().xlen(admission.stream()) == 1
    assert admission.write_batch("w1", own_pending=True) == 1
    assert Hold.objects.get(sale=sale).member_id == member.pk


def test_a_member_deleted_before_the_writer_gives_the_unit_back():
    sale = open_sale(units=1)
    member, other = queued(sale), queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    member.delete()
    admission.drain()
    assert not Hold.objects.filter(sale=sale).exists()
    assert redis_free(sale) == [1]
    assert services.reserve(actor=other, sale=sale, provider_code="offline").unit_number == 1


def test_one_unit_named_twice_in_a_batch_goes_to_the_first_only():
    sale = open_sale(units=2)
    a, b = MemberFactory(), MemberFactory()
    now = timezone.now().timestamp()
    assert admission.store_entries([("1-1", sale.pk, a.pk, 1, now), ("1-2", sale.pk, b.pk, 1, now)]) == 2
    assert Hold.objects.get(ticket="1-1").status == HoldStatus.HELD
    assert Hold.objects.get(ticket="1-2").status == HoldStatus.EXPIRED
    assert Unit.objects.get(sale=sale, number=1).hold.ticket == "1-1"


def test_a_ticket_redis_reused_for_another_hold_is_stored_under_a_new_name():
    sale = open_sale(units=2)
    a, b = MemberFactory(), MemberFactory()
    now = timezone.now().timestamp()
    admission.store_entries([("5-0", sale.pk, a.pk, 1, now)])
    assert admission.store_entries([("5-0", sale.pk, b.pk, 2, now)]) == 1
    assert Hold.objects.get(ticket="5-0/2").member_id == b.pk


def test_a_reservation_whose_reply_is_lost_answers_503_and_is_not_sent_again(client, monkeypatch):
    from fanrepublic.core import redis_wire

    sale = open_sale(units=2)
    member = queued(sale)
    admission.client().script_load(admission._RESERVE)
    real = redis_wire.fast_call

    def lost(*args):
        real(*args)  # it ran in Redis...
        raise redis_wire.SentWithoutReply("reply lost")  # ...but the answer never came

    monkeypatch.setattr(redis_wire, "fast_call", lost)
    answer = hold_json(client, sale, flash_pass(sale, member))
    assert answer.status_code == 503 and answer["Retry-After"]
    monkeypatch.undo()
    admission.drain()
    # One unit, not two: the member sees the hold it got.
    assert list(Hold.objects.filter(sale=sale).values_list("unit_number", flat=True)) == [1]
    assert redis_counts(sale) == {member.pk: 1}


def test_paying_with_a_method_not_offered_is_refused_and_starts_nothing(client):
    from fanrepublic.payments.models import Payment

    sale = open_sale(units=1)
    member = queued(sale)
    services.reserve(actor=member, sale=sale, provider_code="offline")
    admission.drain()
    hold = Hold.objects.get(sale=sale)
    client.force_login(member)
    answer = client.post(
        f"/api/v1/flash/{sale.slug}/holds/{hold.pk}/pay",
        {"provider": "nowhere"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "provider" in answer.json()["error"]["fields"]
    assert not Payment.objects.filter(member=member).exists()
