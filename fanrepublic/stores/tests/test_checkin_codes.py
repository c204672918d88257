"""Given/when/then: the time-based check-in codes (checkin_codes) — a counter screen's code
lives for its minute and the next, a printed sign's for its day; another store's code, a
rotated key's code and anything malformed are refused clearly, never with a 500 — and the
desk's QR code refreshed by htmx."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fanrepublic.core.errors import NotFound
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.stores import checkin_codes, services
from fanrepublic.stores.checkin_codes import Verdict, daily_code, screen_code
from fanrepublic.stores.models import Store, Visit

from .factories import StoreFactory

EXPIRED = "This code has expired: scan the code shown in the store now."
INVALID = "This QR code is not valid any more. Ask the staff for the current one."


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# A moment 30 seconds into a one-minute window, local time.
NOON = local(2026, 12, 1, 12, 0, 30)


def check_in(store, code, member=None):
    return services.visit_check_in(member=member or MemberFactory(), store_slug=store.slug, code=code)


def refusal(store, code) -> NotFound:
    with pytest.raises(NotFound) as caught:
        check_in(store, code)
    return caught.value


# --- the codes themselves (no database) ---------------------------------------------------


def unsaved_store(key="k" * 32, pk=1):
    return Store(pk=pk, slug=f"store-{pk}", checkin_key=key)


def test_the_codes_look_as_documented():
    store = unsaved_store()
    screen = screen_code(store, now=NOON)
    assert screen == f"s{int(NOON.timestamp()) // 60}.{screen.split('.')[1]}"
    assert len(screen.split(".")[1]) == checkin_codes.MAC_LENGTH
    assert daily_code(store, day=NOON.date()).startswith("d20261201.")
    assert store.checkin_key not in screen + daily_code(store)


def test_a_screen_code_lives_for_its_window_and_the_next_one():
    store = unsaved_store()
    code = screen_code(store, now=NOON)
    assert checkin_codes.check(store, code, now=NOON) is Verdict.VALID
    assert checkin_codes.check(store, code, now=NOON + timedelta(seconds=29)) is Verdict.VALID
    # the code changed at 12:01:00; a scan of the old one just before still works
    assert checkin_codes.check(store, code, now=NOON + timedelta(seconds=89)) is Verdict.VALID
    assert checkin_codes.check(store, code, now=NOON + timedelta(seconds=90)) is Verdict.EXPIRED
    assert checkin_codes.check(store, code, now=NOON + timedelta(days=30)) is Verdict.EXPIRED
    # a code of the future is no code: nobody could have seen it
    assert checkin_codes.check(store, code, now=NOON - timedelta(seconds=60)) is Verdict.INVALID


def test_the_screen_window_follows_the_setting(settings):
    settings.STORES_CHECKIN_SCREEN_SECONDS = 30
    store = unsaved_store()
    start = local(2026, 12, 1, 12, 0, 0)
    code = screen_code(store, now=start)
    assert code.startswith(f"s{int(start.timestamp()) // 30}.")
    assert checkin_codes.check(store, code, now=start + timedelta(seconds=59)) is Verdict.VALID
    assert checkin_codes.check(store, code, now=start + timedelta(seconds=60)) is Verdict.EXPIRED


def test_a_daily_code_works_on_its_local_day_only():
    store = unsaved_store()
    code = daily_code(store, day=NOON.date())
    assert checkin_codes.check(store, code, now=local(2026, 12, 1, 0, 0, 0)) is Verdict.VALID
    assert checkin_codes.check(store, code, now=local(2026, 12, 1, 23, 59, 59)) is Verdict.VALID
    assert checkin_codes.check(store, code, now=local(2026, 12, 2, 0, 0, 0)) is Verdict.EXPIRED
    assert checkin_codes.check(store, code, now=local(2026, 11, 30, 23, 59, 59)) is Verdict.INVALID


def test_codes_are_bound_to_their_store_and_its_key():
    store, other = unsaved_store(pk=1), unsaved_store(pk=2)
    rotated = unsaved_store(key="r" * 32, pk=1)
    for code in (screen_code(store, now=NOON), daily_code(store, day=NOON.date())):
        assert checkin_codes.check(store, code, now=NOON) is Verdict.VALID
        assert checkin_codes.check(other, code, now=NOON) is Verdict.INVALID
        assert checkin_codes.check(rotated, code, now=NOON) is Verdict.INVALID
    # a store without a key takes no code at all
    keyless = unsaved_store(key="", pk=3)
    assert checkin_codes.check(keyless, screen_code(keyless, now=NOON), now=NOON) is Verdict.INVALID


def test_a_code_of_one_kind_is_not_a_code_of_the_other():
    store = unsaved_store()
    screen = screen_code(store, now=NOON)
    sign = daily_code(store, day=NOON.date())
    assert checkin_codes.check(store, "d" + screen[1:], now=NOON) is Verdict.INVALID
    assert checkin_codes.check(store, "s" + sign[1:], now=NOON) is Verdict.INVALID


def bad_codes(store):
    screen = screen_code(store, now=NOON)
    window, mac = screen[1:].split(".")
    sign = daily_code(store, day=NOON.date())
    return [
        "",
        None,
        42,
        ["s1.x"],
        "s",
        "s.",
        ".",
        screen + "x",
        screen[:-1],
        " " + screen,
        screen + "\n",
        screen.upper(),
        f"s0{window}.{mac}",  # one spelling per window
        f"s-{window}.{mac}",
        f"s{window}..{mac}",
        "s" + "".join(chr(0xFF10 + int(c)) for c in window) + "." + mac,  # full-width digits
        "s" + "".join(chr(0x0660 + int(c)) for c in window) + "." + mac,  # Arabic-Indic digits
        f"s{window}.{mac[:-1]}\u00e9",
        f"s{window}.{mac}\u200b",
        f"s{window}\x00.{mac}",
        f"s{window}.\ud800{mac[1:]}",
        "d20261301." + sign.split(".")[1],  # month 13
        "d00000000." + sign.split(".")[1],
        "d2026121." + sign.split(".")[1],
        "s" + "9" * 12 + "." + mac,
        "s" + "9" * 5000 + "." + mac,
        "🏪" * 10_000,
        screen * 100_000,
        store.checkin_key,
    ]


def test_malformed_codes_are_invalid_without_an_exception():
    store = unsaved_store()
    for code in bad_codes(store):
        assert checkin_codes.check(store, code, now=NOON) is Verdict.INVALID, repr(code)[:80]


@given(st.text(max_size=120))
def test_any_text_is_a_verdict_never_an_exception(text):
    assert checkin_codes.check(unsaved_store(), text) in (Verdict.INVALID, Verdict.VALID)


# --- checking in with them --------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_checks_in_with_the_screen_code_now_and_just_after_it_changed():
    store = StoreFactory()
    with time_machine.travel(NOON, tick=False):
        code = screen_code(store)
        _visit, created = check_in(store, code)
        assert created
    with time_machine.travel(NOON + timedelta(seconds=60), tick=False):
        _visit, created = check_in(store, code)
        assert created
    with time_machine.travel(NOON + timedelta(seconds=120), tick=False):
        refused = refusal(store, code)
        assert refused.code == "checkin_code_expired" and str(refused.message) == EXPIRED
        assert check_in(store, screen_code(store))[1]
    assert Visit.objects.count() == 3


@pytest.mark.django_db
def test_the_printed_sign_checks_in_on_its_day_only():
    store = StoreFactory()
    with time_machine.travel(local(2026, 12, 1, 9, 0, 0), tick=False):
        code = daily_code(store)
        assert code.startswith("d20261201.")
        assert check_in(store, code)[1]
    with time_machine.travel(local(2026, 12, 1, 21, 59, 0), tick=False):
        assert check_in(store, code)[1]
    with time_machine.travel(local(2026, 12, 2, 9, 0, 0), tick=False):
        refused = refusal(store, code)
        assert refused.code == "checkin_code_expired"
    assert Visit.objects.count() == 2


@pytest.mark.django_db
def test_another_store_s_code_checks_no_one_in():
    store, other = StoreFactory(), StoreFactory()
    for code in (screen_code(other), daily_code(other)):
        refused = refusal(store, code)
        assert refused.code == "not_found" and str(refused.message) == INVALID
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_rotating_the_key_voids_the_screen_code_and_today_s_sign():
    store = StoreFactory()
    old = [screen_code(store), daily_code(store)]
    services.store_checkin_key_rotate(actor=store.manager, store=store)
    store.refresh_from_db()
    for code in old:
        assert refusal(store, code).code == "not_found"
    assert check_in(store, daily_code(store))[1]


@pytest.mark.django_db
def test_malformed_codes_answer_the_clear_refusal():
    store = StoreFactory()
    member = MemberFactory()
    for code in bad_codes(store):
        with pytest.raises(NotFound) as caught:
            check_in(store, code, member=member)
        assert str(caught.value.message) == INVALID, repr(code)[:80]
    assert not Visit.objects.exists()


# --- through the pages and the API -----------------------------------------------------------


@pytest.mark.django_db
def test_an_expired_code_says_so_on_the_page_before_the_tap(client):
    store = StoreFactory()
    client.force_login(MemberFactory())
    with time_machine.travel(NOON, tick=False):
        url = reverse("stores:check_in", args=[store.slug, screen_code(store)])
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        page = client.get(url)
        assert page.status_code == 404
        text = page.content.decode()
        assert "This code has expired" in text and 'data-testid="check-in"' not in text
        assert client.post(url).status_code == 404
    assert not Visit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [
        "x" * 5000,
        "s２９０.abcdefghijk",
        "🏪🏪🏪",
        "s1.%E2%80%AE",
        "d20261201.abcdefghijk",
        "%00",
        "s1.abc%ff",
    ],
)
def test_odd_codes_in_the_url_answer_404_not_500(client, code):
    store = StoreFactory()
    client.force_login(MemberFactory())
    url = f"/stores/{store.slug}/check-in/{code}/"
    assert client.get(url).status_code in (400, 404)
    response = client.post(url)
    assert response.status_code in (400, 404)
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_the_api_takes_the_same_codes_and_names_an_expired_one(client):
    store = StoreFactory()
    client.force_login(MemberFactory())

    def send(code):
        body = json.dumps({"store": store.slug, "code": code})
        return client.post("/api/v1/stores/check-in", data=body, content_type="application/json")

    assert send(daily_code(store)).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        expired = send(daily_code(store, day=timezone.localdate() - timedelta(days=1)))
        assert expired.status_code == 404
        assert expired.json()["error"]["code"] == "checkin_code_expired"
        wrong = send(screen_code(StoreFactory()))
        assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "not_found"
        for odd in ("🏪" * 50, "s1.\u0000", "", store.checkin_key):
            assert send(odd).status_code in (400, 404, 422), odd
        assert send("x" * 101).status_code == 422
        assert send(screen_code(store)).status_code == 201
    assert Visit.objects.count() == 2


@pytest.mark.django_db
def test_the_desk_shows_the_screen_code_and_htmx_refreshes_it(client):
    store = StoreFactory()
    client.force_login(store.manager)
    with time_machine.travel(NOON, tick=False):
        page = client.get(reverse("stores:desk_store", args=[store.slug])).content.decode()
        partial_url = reverse("stores:desk_qr_screen", args=[store.slug])
        assert f'hx-get="{partial_url}"' in page and 'hx-trigger="every 20s"' in page
        assert "The code changes every 60 seconds" in page
        partial = client.get(partial_url, HTTP_HX_REQUEST="true")
        assert partial.status_code == 200 and "<svg" in partial.content.decode()
        assert "<html" not in partial.content.decode()
        assert "no-store" in partial.headers["Cache-Control"]
        first = partial.content
    with time_machine.travel(NOON + timedelta(seconds=60), tick=False):
        assert client.get(partial_url, HTTP_HX_REQUEST="true").content != first


@pytest.mark.django_db
def test_the_desk_s_qr_code_is_404_for_a_member_who_does_not_work_in_the_store(client):
    store, elsewhere = StoreFactory(), StoreFactory()
    url = reverse("stores:desk_qr_screen", args=[store.slug])
    client.force_login(MemberFactory())
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(elsewhere.manager)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(store.manager)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.django_db
def test_a_tablet_whose_session_ran_out_goes_to_sign_in_as_a_whole_page(client):
    store = StoreFactory()
    url = reverse("stores:desk_qr_screen", args=[store.slug])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == reverse("stores:desk_store", args=[store.slug])
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_the_printed_sign_carries_today_s_code_and_date(client):
    store = StoreFactory()
    client.force_login(store.manager)
    with time_machine.travel(local(2026, 12, 1, 10, 0, 0), tick=False):
        sign = client.get(reverse("stores:desk_qr", args=[store.slug])).content.decode()
    assert "Valid on" in sign and "2026" in sign and "only" in sign
    assert store.checkin_key not in sign
