"""Payouts of a member's yuan wallet: the demo provider end to end, every refusal before
any money moves, the accounts payouts go to, the operator's policy, and the ledger
balanced after every path. WeChat Pay and Alipay against their stand-ins are in
test_payouts_wechat.py and test_payouts_alipay.py."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.payments import payout_transfers, payouts, selectors
from fanrepublic.payments.enums import PayoutState
from fanrepublic.payments.models import PayeeAccount, Payout, PayoutPolicy
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .factories import PayeeAccountFactory, fund_wallet

pytestmark = pytest.mark.django_db


def balance(code: str) -> int:
    return sum(Posting.objects.filter(account__code=code).values_list("amount_minor", flat=True))


def wallet(member) -> int:
    return selectors.wallet_balance_fen(member)


@pytest.fixture
def creator():
    """A member with ¥500 of royalties and the demo provider's account linked."""
    member = MemberFactory()
    fund_wallet(member, 500_00)
    PayeeAccountFactory(member=member, provider="offline", identifier=f"demo-{member.pk}", real_name="")
    return member


def request(member, amount=100_00, provider="offline", key="k1", run=None):
    if run is None:
        return payouts.payout_request(member=member, provider=provider, amount=amount, key=key)
    with run(execute=True):
        return payouts.payout_request(member=member, provider=provider, amount=amount, key=key)


def test_a_demo_payout_moves_the_money_through_transit_and_out_once(
    creator, django_capture_on_commit_callbacks
):
    payout = request(creator, run=django_capture_on_commit_callbacks)
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and payout.attempts == 1
    assert payout.provider_no.startswith("DEMOT") and payout.completed_at
    assert wallet(creator) == 400_00
    assert balance("system:payouts-in-transit:CNY") == 0
    assert balance("system:provider-offline-payouts:CNY") == 100_00
    assert payout.request_tx_id and payout.settle_tx_id and payout.return_tx_id is None
    assert set(Event.objects.filter(object_id=str(payout.pk)).values_list("verb", flat=True)) == {
        "payments.payout.requested",
        "payments.payout.done",
    }
    # Sending it again (a task run twice) changes nothing.
    payout_transfers.payout_send(payout_id=payout.pk)
    assert balance("system:provider-offline-payouts:CNY") == 100_00 and wallet(creator) == 400_00
    assert ledger_problems() == []


def test_the_amount_leaves_the_wallet_in_the_requests_transaction(creator):
    payout = request(creator)  # the send waits for the commit, which this test never makes
    assert payout.state == PayoutState.REQUESTED
    assert wallet(creator) == 400_00
    assert balance("system:payouts-in-transit:CNY") == 100_00
    assert ledger_problems() == []


def test_the_same_key_is_the_same_payout(creator):
    first = request(creator, key="same")
    again = request(creator, key="same")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert Payout.objects.count() == 1 and wallet(creator) == 400_00
    with pytest.raises(ValidationFailed):
        request(creator, key="same", amount=200_00)  # one key, another payout: a caller's bug


def test_one_payout_on_its_way_at_a_time(creator):
    request(creator, key="a")
    with pytest.raises(Conflict):
        request(creator, key="b")
    assert Payout.objects.count() == 1 and wallet(creator) == 400_00


def test_the_periodic_check_sends_a_payout_whose_task_was_lost(creator):
    payout = request(creator)
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert payout_transfers.payouts_check_due(now=later) == {"sent": 1, "checked": 0, "unreachable": 0}
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE
    assert payout_transfers.payouts_check_due(now=later + datetime.timedelta(minutes=5))["sent"] == 0
    assert ledger_problems() == []


@pytest.mark.parametrize(
    "amount",
    [0, -1, -100_00, 1.5, 0.5, Decimal("100"), Decimal("0.5"), "100", True, None, 10**13, 10**40],
    ids=repr,
)
def test_amounts_that_are_not_whole_positive_fen_change_nothing(creator, amount):
    with pytest.raises(ValidationFailed) as refused:
        request(creator, amount=amount)
    assert refused.value.errors.get("amount")
    assert Payout.objects.count() == 0 and wallet(creator) == 500_00


def test_below_the_minimum_above_the_balance_or_the_maximums_is_refused(creator, settings):
    settings.PAYOUT_MINIMUM_FEN = 10_00
    settings.PAYOUT_MAXIMUM_FEN = 300_00
    settings.PAYOUT_DAILY_MAXIMUM_FEN = 450_00
    for amount, says in [
        (9_99, "smallest payout is ¥10.00"),
        (300_01, "At most ¥300.00"),
    ]:
        with pytest.raises(ValidationFailed, match=says.replace("$", r"\$")):
            request(creator, amount=amount, key=str(amount))
    settings.PAYOUT_MAXIMUM_FEN = 600_00
    with pytest.raises(ValidationFailed, match="holds ¥500.00"):
        request(creator, amount=500_01)
    with pytest.raises(ValidationFailed, match="¥450.00 can be paid out a day"):
        request(creator, amount=450_01)
    assert Payout.objects.count() == 0 and wallet(creator) == 500_00
    assert ledger_problems() == []


def test_the_daily_maximum_counts_the_days_payouts_but_not_failed_ones(
    creator, settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_DAILY_MAXIMUM_FEN = 150_00
    request(creator, amount=100_00, key="a", run=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed, match="¥50.00 is left today"):
        request(creator, amount=60_00, key="b")
    Payout.objects.update(state=PayoutState.FAILED)  # as if it had failed
    assert request(creator, amount=60_00, key="c").state == PayoutState.REQUESTED


def test_a_provider_not_offered_or_without_an_account_is_refused(creator):
    with pytest.raises(ValidationFailed, match="payout methods offered"):
        request(creator, provider="wechat")  # not configured in this installation
    with pytest.raises(ValidationFailed, match="payout methods offered"):
        request(creator, provider="paypal")
    other = MemberFactory()
    fund_wallet(other, 100_00)
    with pytest.raises(ValidationFailed, match="Link your Demo"):
        request(other, amount=50_00)
    assert Payout.objects.count() == 0


def test_a_visitor_cannot_request_a_payout():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        payouts.payout_request(member=AnonymousUser(), provider="offline", amount=100, key="x")


# Accounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "阿卜杜拉·买买提",
        "Marie Curie",
        "O'Brien-Smith",
        "José Ñúñez",
        "マリー・キュリー",
        "Nguyễn Văn A",
    ],
)
def test_real_names_of_any_script_are_taken(name):
    assert payouts.real_name_checked(name, required=True) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "张\u202e三",  # a bidi override makes it read otherwise
        "张三\u200b",  # zero width space
        "张\x00三",
        "张三\n李四",
        "张\u2028三",
        "\ud800",
        "张  三",
        "Zhang3",
        "张三😀",
        "<b>张三</b>",
        "x" * 51,
        "·-'",
        "\ue000",
    ],
    ids=repr,
)
def test_odd_names_are_refused_with_a_reason(name):
    with pytest.raises(ValidationFailed) as refused:
        payouts.real_name_checked(name, required=True)
    assert refused.value.errors["real_name"][0]


@pytest.mark.parametrize(
    "login,stored",
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("Zhang@Example.com", "zhang@example.com"),
    ],
)
def test_alipay_logins_are_phone_numbers_or_emails(login, stored):
    assert payouts.alipay_login_checked(login) == stored


@pytest.mark.parametrize(
    "login",
    ["", "12800138000", "1380013800", "zhang", "张三@例子.中国", "a@b", "13800138000\n", "a\u202e@b.com", 5],
)
def test_other_alipay_logins_are_refused(login):
    with pytest.raises(ValidationFailed):
        payouts.alipay_login_checked(login)


def test_a_new_account_waits_a_day_and_its_owner_is_told(settings, django_capture_on_commit_callbacks):
    settings.PAYMENTS_PROVIDERS = ["offline"]
    member = MemberFactory()
    fund_wallet(member, 100_00)
    with django_capture_on_commit_callbacks(execute=True):
        payee = payouts.payee_demo_link(member=member)
    assert payee.usable_from == payee.created_at  # the demo's account receives no money
    # A real provider's new account waits PAYOUT_NEW_PAYEE_HOLD_HOURS.
    fresh = PayeeAccountFactory(member=MemberFactory(), provider="alipay", hours_ago=0)
    assert fresh.usable_from - fresh.created_at == datetime.timedelta(hours=24)
    notice = Notification.objects.get(recipient=member)
    assert notice.kind == "payments_payee_changed" and notice.params["change"] == "linked"
    assert Event.objects.filter(verb="payments.payee.changed", owner=member).count() == 1
    # Linking the same account again changes nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert payouts.payee_demo_link(member=member).pk == payee.pk
    assert Notification.objects.filter(recipient=member).count() == 1


def test_an_account_only_its_owner_can_remove(creator, django_capture_on_commit_callbacks):
    payee = PayeeAccount.objects.get(member=creator)
    with pytest.raises(NotFound):
        payouts.payee_remove(member=MemberFactory(), payee_id=payee.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payee_remove(member=creator, payee_id=payee.pk)
    payee.refresh_from_db()
    assert payee.removed_at is not None
    assert Notification.objects.get(recipient=creator).params["change"] == "removed"
    with pytest.raises(NotFound):
        payouts.payee_remove(member=creator, payee_id=payee.pk)  # removed already


def test_a_payout_keeps_the_account_it_was_sent_to(creator):
    payout = request(creator)
    payee = PayeeAccount.objects.get(member=creator)
    payouts.payee_remove(member=creator, payee_id=payee.pk)
    payout.refresh_from_db()
    assert payout.payee_identifier == f"demo-{creator.pk}"


# The operator's policy --------------------------------------------------------------------


def test_the_policy_starts_from_the_settings_and_the_latest_version_applies(settings):
    settings.PAYOUT_MINIMUM_FEN = 20_00
    settings.PAYOUT_ROYALTY_TAX_RATE = Decimal("0.1")
    assert selectors.payout_policy() == (20_00, Decimal("0.1"))
    staff = operator()
    payouts.payout_policy_set(actor=staff, minimum_fen=50_00, tax_rate="0.2", reason="Tax office letter")
    payouts.payout_policy_set(actor=staff, minimum_fen=30_00, tax_rate=Decimal("0.0300"))
    policy = selectors.payout_policy()
    assert policy.minimum_fen == 30_00 and policy.tax_rate == Decimal("0.03")
    assert selectors.royalty_tax_rate() == Decimal("0.03")
    assert list(PayoutPolicy.objects.values_list("version", flat=True)) == [2, 1]
    entry = AuditEntry.objects.filter(action="payments.payout_policy.changed").order_by("id").first()
    assert entry.actor == staff and entry.reason == "Tax office letter" and entry.data["minimum_fen"] == 50_00


def test_the_minimum_in_force_applies_to_requests(creator):
    payouts.payout_policy_set(actor=operator(), minimum_fen=200_00, tax_rate="0")
    with pytest.raises(ValidationFailed, match="smallest payout is ¥200.00"):
        request(creator, amount=150_00)


@pytest.mark.parametrize(
    "minimum,rate",
    [
        (0, "0.1"),
        (-1, "0.1"),
        (1.5, "0.1"),
        (True, "0.1"),
        (10**12, "0.1"),
        (100, "1"),
        (100, "-0.1"),
        (100, "0.12345"),
        (100, "NaN"),
        (100, "Infinity"),
        (100, "abc"),
        (100, ""),
    ],
)
def test_a_bad_policy_changes_nothing(minimum, rate):
    with pytest.raises(ValidationFailed):
        payouts.payout_policy_set(actor=operator(), minimum_fen=minimum, tax_rate=rate)
    assert PayoutPolicy.objects.count() == 0


def test_only_payment_staff_set_the_policy():
    for who in (MemberFactory(), None):
        with pytest.raises(NotFound):
            payouts.payout_policy_set(actor=who, minimum_fen=100, tax_rate="0")


# Pages ------------------------------------------------------------------------------------


def test_the_payouts_page_shows_balance_accounts_the_minimum_and_payouts(
    creator, client, django_capture_on_commit_callbacks
):
    request(creator, amount=123_45, run=django_capture_on_commit_callbacks)
    client.force_login(creator)
    page = client.get(reverse("payments:payouts")).content.decode()
    assert "¥376.55" in page and "¥10.00" in page  # the balance left, the minimum in force
    assert 'data-testid="payout-demo-banner"' in page and "¥123.45" in page and "Paid out" in page


def test_requesting_from_the_page_and_a_double_click_is_one_payout(
    creator, client, django_capture_on_commit_callbacks
):
    client.force_login(creator)
    data = {"provider": "offline", "amount": "50.00", "token": "0123456789abcdef0123456789abcdef"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("payments:payout_request"), data)
    second = client.post(reverse("payments:payout_request"), data)
    payout = Payout.objects.get()
    assert first.status_code == second.status_code == 302 and first["Location"] == payout.get_absolute_url()
    assert payout.state == PayoutState.DONE and wallet(creator) == 450_00
    page = client.get(payout.get_absolute_url()).content.decode()
    assert "¥50.00" in page and "Paid out" in page


@pytest.mark.parametrize("amount", ["0", "-5", "0.001", "1e3", "abc", "99999999999999", ""])
def test_bad_amounts_on_the_page_are_refused_and_change_nothing(creator, client, amount):
    client.force_login(creator)
    answer = client.post(
        reverse("payments:payout_request"),
        {"provider": "offline", "amount": amount, "token": "0123456789abcdef0123456789abcdef"},
    )
    assert answer.status_code == 422 and 'class="errorlist' in answer.content.decode()
    assert Payout.objects.count() == 0 and wallet(creator) == 500_00


def test_another_members_payout_is_not_found(creator, client):
    payout = request(creator)
    client.force_login(MemberFactory())
    assert client.get(payout.get_absolute_url()).status_code == 404
    client.force_login(operator())
    assert client.get(payout.get_absolute_url()).status_code == 404  # staff read it on the console
    assert client.get(reverse("payments:console_payout", args=[payout.reference])).status_code == 200


def test_staff_filter_the_console_and_set_the_policy_from_it(
    creator, client, django_capture_on_commit_callbacks
):
    request(creator, run=django_capture_on_commit_callbacks)
    staff = operator()
    client.force_login(staff)
    page = client.get(reverse("payments:console_payouts"), {"state": "done"}).content.decode()
    assert Payout.objects.get().reference in page
    assert (
        Payout.objects.get().reference
        not in client.get(reverse("payments:console_payouts"), {"state": "failed"}).content.decode()
    )
    answer = client.post(
        reverse("payments:console_payout_policy"), {"minimum": "20.00", "tax_rate": "0.2", "reason": "Board"}
    )
    assert answer.status_code == 302 and selectors.payout_policy() == (20_00, Decimal("0.2"))
    refused = client.post(reverse("payments:console_payout_policy"), {"minimum": "-1", "tax_rate": "2"})
    assert refused.status_code == 422 and PayoutPolicy.objects.count() == 1


def test_api_lists_and_requests_with_an_idempotency_key(creator, client, django_capture_on_commit_callbacks):
    client.force_login(creator)
    body = {"provider": "offline", "amount_fen": 80_00, "idempotency_key": "abc-1"}
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/api/v1/payments/payouts", body, content_type="application/json")
    again = client.post("/api/v1/payments/payouts", body, content_type="application/json")
    assert made.status_code == 201 and again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert made.json()["reference"] == again.json()["reference"]
    listed = client.get("/api/v1/payments/payouts").json()
    assert [p["amount_fen"] for p in listed] == [80_00] and listed[0]["state"] == "done"
    for bad in ({**body, "amount_fen": 1.5}, {**body, "amount_fen": "80"}, {**body, "amount_fen": True}):
        assert (
            client.post("/api/v1/payments/payouts", bad, content_type="application/json").status_code == 422
        )
    client.force_login(MemberFactory())
    assert client.get(f"/api/v1/payments/payouts/{made.json()['reference']}").status_code == 404
    assert Payout.objects.count() == 1 and wallet(creator) == 420_00


def test_linking_a_payout_account_asks_for_the_password_again(client):
    """A session alone — a borrowed laptop, a stolen cookie — cannot send payouts to a
    new account: linking one needs the password typed in the last few minutes, and the
    request goes through once it is given."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    from fanrepublic.members.tests.factories import confirm_password

    member = MemberFactory()
    member.set_password("pass-word-123")
    member.save()
    client.force_login(member)
    confirm_password(client, member)
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= 3600  # confirmed an hour ago: too long
    session.save()
    response = client.post(reverse("payments:payee_demo"))
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert not PayeeAccount.objects.filter(member=member).exists()
    wrong = client.post(response["Location"], {"password": "not-my-password"})
    assert wrong.status_code == 200 and not PayeeAccount.objects.filter(member=member).exists()
    again = client.post(response["Location"], {"password": "pass-word-123"}, follow=True)
    assert again.status_code == 200
    assert PayeeAccount.objects.filter(member=member, provider="offline", removed_at__isnull=True).exists()


def test_a_session_alone_cannot_add_an_address_to_receive_the_confirmation_code(client):
    """The way around the password: add one's own address (where "email me a code"
    would then go). Adding, removing or promoting an address asks for it again too."""
    from allauth.account.models import EmailAddress

    member = MemberFactory(email="owner@example.com")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    client.force_login(member)
    added = client.post("/accounts/email/", {"action_add": "", "email": "thief@example.net"})
    assert added.status_code == 302 and "/accounts/reauthenticate/" in added["Location"]
    assert not EmailAddress.objects.filter(email="thief@example.net").exists()
    promoted = client.post("/accounts/email/", {"action_remove": "", "email": "owner@example.com"})
    assert promoted.status_code == 302 and "/accounts/reauthenticate/" in promoted["Location"]
    assert EmailAddress.objects.filter(user=member).count() == 1
