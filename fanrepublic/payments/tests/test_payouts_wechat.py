"""Payouts to WeChat Pay (商家转账) against the stand-in: the SDK signs our calls and
encrypts the payee's name (the stand-in checks both), the stand-in signs its answers and
notifications (the platform checks them); and the account they go to, bound by
WeChat's web sign-in with a signed, single-use state."""

import datetime
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.core.errors import ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, confirm_password, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.payments import payout_transfers, payouts, selectors
from fanrepublic.payments.enums import NoticeOutcome, PayoutState
from fanrepublic.payments.errors import ProviderUnavailable
from fanrepublic.payments.models import PayeeAccount, Payout, ProviderNotice
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .factories import PayeeAccountFactory, fund_wallet
from .keys import key_pair

pytestmark = pytest.mark.django_db
NOTIFY = reverse("payments:notify", args=["wechat"])
OPENID = "oFanRepublicMember0000000001"


def paid_out() -> int:
    return sum(
        Posting.objects.filter(account__code="system:provider-wechat-payouts:CNY").values_list(
            "amount_minor", flat=True
        )
    )


@pytest.fixture
def creator(wechat):
    member = MemberFactory()
    fund_wallet(member, 5_000_00)
    PayeeAccountFactory(member=member, provider="wechat", identifier=OPENID, real_name="张三")
    return member


def request(member, amount, run, key="k"):
    with run(execute=True):
        payout = payouts.payout_request(member=member, provider="wechat", amount=amount, key=key)
    payout.refresh_from_db()
    return payout


def later(minutes=2):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_payout_is_sent_with_the_scene_and_the_encrypted_name_and_paid_out_once(
    wechat, creator, django_capture_on_commit_callbacks
):
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.DONE and payout.provider_state == "SUCCESS"
    bill = wechat.transfers[payout.reference]
    assert bill["transfer_amount"] == 100_00 and bill["openid"] == OPENID
    assert bill["user_name"] == "张三"  # encrypted by the SDK with the platform key, decrypted there
    assert payout.provider_no == bill["transfer_bill_no"]
    assert wechat.refused_signatures == 0
    assert paid_out() == 100_00 and selectors.wallet_balance_fen(creator) == 4_900_00
    assert Notification.objects.get(recipient=creator, kind="payments_payout").params["outcome"] == "done"
    assert ledger_problems() == []


def test_waiting_for_the_member_then_their_confirmation_arrives_by_notification(
    wechat, creator, client, django_capture_on_commit_callbacks
):
    wechat.transfer_answer = "WAIT_USER_CONFIRM"
    payout = request(creator, 88_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and payout.waiting_for_member and payout.package_info
    assert Notification.objects.get(recipient=creator).params["outcome"] == "confirm"
    client.force_login(creator)
    page = client.get(payout.get_absolute_url()).content.decode()
    assert 'data-testid="payout-confirm"' in page and f'data-package="{payout.package_info}"' in page
    assert "transfer-confirm.js" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = wechat.deliver(client, NOTIFY, wechat.transfer_finish(payout.reference, "SUCCESS"))
    assert answer.status_code == 204
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and not payout.package_info
    again = wechat.deliver(client, NOTIFY, wechat.transfer_finish(payout.reference, "SUCCESS"))
    assert again.status_code == 204 and paid_out() == 88_00
    assert (
        ProviderNotice.objects.filter(outcome=NoticeOutcome.ACCEPTED, reference=payout.reference).count() == 2
    )
    assert ledger_problems() == []


def test_a_lost_answer_while_waiting_for_the_member_is_fetched_again_for_its_package(
    wechat, creator, django_capture_on_commit_callbacks
):
    wechat.transfer_answer = "WAIT_USER_CONFIRM"
    wechat.sign_badly_next(1)
    payout = request(creator, 88_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and not payout.package_info
    with django_capture_on_commit_callbacks(execute=True):
        payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.waiting_for_member
    assert payout.package_info == wechat.transfers[payout.reference]["package_info"]
    assert len(wechat.transfers) == 1 and payout.attempts == 2
    assert Notification.objects.get(recipient=creator).params["outcome"] == "confirm"


def test_processing_then_success_found_by_asking(wechat, creator, django_capture_on_commit_callbacks):
    wechat.transfer_answer = "PROCESSING"
    payout = request(creator, 50_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and paid_out() == 0
    wechat.transfer_finish(payout.reference, "SUCCESS")  # its notification is lost
    assert payout_transfers.payouts_check_due(now=later())["checked"] == 1
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and paid_out() == 50_00
    assert len(wechat.transfers) == 1
    assert ledger_problems() == []


def test_not_confirmed_in_time_returns_the_money_with_the_reason(
    wechat, creator, client, django_capture_on_commit_callbacks
):
    wechat.transfer_answer = "WAIT_USER_CONFIRM"
    payout = request(creator, 300_00, django_capture_on_commit_callbacks)
    assert selectors.wallet_balance_fen(creator) == 4_700_00
    with django_capture_on_commit_callbacks(execute=True):
        wechat.deliver(client, NOTIFY, wechat.transfer_finish(payout.reference, "CANCELLED"))
    payout.refresh_from_db()
    assert payout.state == PayoutState.FAILED and payout.failure_code == "CANCELLED"
    assert selectors.wallet_balance_fen(creator) == 5_000_00 and paid_out() == 0
    client.force_login(creator)
    page = client.get(payout.get_absolute_url()).content.decode()
    assert "not confirmed in WeChat in time" in page
    assert Notification.objects.filter(recipient=creator, params__outcome="failed").count() == 1
    # A late success after the money went back is not posted twice: it is flagged.
    wechat.deliver(client, NOTIFY, wechat.transfer_finish(payout.reference, "SUCCESS"))
    payout.refresh_from_db()
    assert payout.state == PayoutState.FAILED and "now says done" in payout.problem
    assert ledger_problems() == []


def test_a_final_failure_returns_the_money_and_the_member_may_ask_again(
    wechat, creator, django_capture_on_commit_callbacks
):
    wechat.real_names[OPENID] = "李四"  # WeChat knows another name for this account
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.FAILED and payout.failure_code == "NAME_NOT_CORRECT"
    assert "real name does not match" in payout.failure_text
    assert selectors.wallet_balance_fen(creator) == 5_000_00
    wechat.real_names.clear()
    again = request(creator, 100_00, django_capture_on_commit_callbacks, key="k2")
    assert again.state == PayoutState.DONE and again.reference != payout.reference
    assert ledger_problems() == []


def test_an_unreachable_provider_leaves_it_sent_and_it_is_sent_again_under_the_same_number(
    wechat, creator, django_capture_on_commit_callbacks
):
    wechat.fail_next(1, 503)
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and payout.problem and payout.attempts == 1
    assert wechat.transfers == {} and selectors.wallet_balance_fen(creator) == 4_900_00
    assert payout_transfers.payouts_check_due() == {"sent": 0, "checked": 0, "unreachable": 0}  # not yet
    payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and payout.attempts == 2 and payout.problem == ""
    assert list(wechat.transfers) == [payout.reference]
    assert ledger_problems() == []


def test_an_answer_with_a_bad_signature_is_not_believed_and_the_transfer_is_asked_about(
    wechat, creator, django_capture_on_commit_callbacks
):
    wechat.sign_badly_next(1)
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and "verify" in payout.problem
    assert paid_out() == 0
    payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and payout.attempts == 1  # found, not sent again
    assert len(wechat.transfers) == 1 and paid_out() == 100_00
    assert ledger_problems() == []


def test_a_forged_transfer_notification_changes_nothing(
    wechat, creator, client, django_capture_on_commit_callbacks
):
    wechat.transfer_answer = "WAIT_USER_CONFIRM"
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    wechat.transfers[payout.reference]["state"] = "SUCCESS"
    forged = wechat.notice(
        "MCHTRANSFER.BILL.FINISHED",
        {
            "mch_id": wechat.mchid,
            "out_bill_no": payout.reference,
            "state": "SUCCESS",
            "transfer_amount": 100_00,
        },
        original="mch_payment",
        signer=key_pair("stranger"),
    )
    assert wechat.deliver(client, NOTIFY, forged).status_code == 400
    other_merchant = wechat.notice(
        "MCHTRANSFER.BILL.FINISHED",
        {
            "mch_id": "1900000999",
            "out_bill_no": payout.reference,
            "state": "SUCCESS",
            "transfer_amount": 100_00,
        },
        original="mch_payment",
    )
    assert wechat.deliver(client, NOTIFY, other_merchant).status_code == 400
    wrong_amount = wechat.notice(
        "MCHTRANSFER.BILL.FINISHED",
        {"mch_id": wechat.mchid, "out_bill_no": payout.reference, "state": "SUCCESS", "transfer_amount": 1},
        original="mch_payment",
    )
    assert wechat.deliver(client, NOTIFY, wrong_amount).status_code == 204
    payout.refresh_from_db()
    assert payout.state == PayoutState.SENT and paid_out() == 0
    assert ledger_problems() == []


def test_a_notification_for_no_payout_of_ours_is_recorded_as_unknown(wechat, client):
    notice = wechat.notice(
        "MCHTRANSFER.BILL.FINISHED",
        {"mch_id": wechat.mchid, "out_bill_no": "PONOTOURS", "state": "SUCCESS", "transfer_amount": 100},
        original="mch_payment",
    )
    assert wechat.deliver(client, NOTIFY, notice).status_code == 204
    assert ProviderNotice.objects.get().outcome == NoticeOutcome.UNKNOWN


def test_two_thousand_yuan_or_more_needs_the_real_name(
    wechat, creator, django_capture_on_commit_callbacks, settings
):
    PayeeAccount.objects.filter(member=creator).update(real_name="")
    settings.PAYOUT_MAXIMUM_FEN = 5_000_00
    with pytest.raises(ValidationFailed, match="real name"):
        payouts.payout_request(member=creator, provider="wechat", amount=2_000_00, key="big")
    assert Payout.objects.count() == 0
    small = request(creator, 1_999_99, django_capture_on_commit_callbacks)
    assert small.state == PayoutState.DONE and wechat.transfers[small.reference]["user_name"] == ""


def test_staff_return_a_payout_the_provider_never_took(
    wechat, creator, settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_MAX_SENDS = 2
    wechat.transfer_scene_id = "1000"  # the merchant lost the scene: every transfer is refused
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and "INVALID_REQUEST" in payout.problem
    staff = operator()
    with pytest.raises(payouts.Conflict):  # the platform still sends it
        payouts.payout_return_by_staff(actor=staff, payout=payout, reason="Provider never took it")
    payout_transfers.payouts_check_due(now=later())  # unknown there: sent a second time, refused again
    payout_transfers.payouts_check_due(now=later(10))  # unknown, and the sends are used up
    payout.refresh_from_db()
    assert payout.attempts == 2 and payout.state == PayoutState.SENT and wechat.transfers == {}
    assert payout in selectors.payouts_needing_attention()
    Payout.objects.filter(pk=payout.pk).update(last_sent_at=timezone.now() - datetime.timedelta(hours=1))
    payout.refresh_from_db()
    with pytest.raises(payouts.NotFound):
        payouts.payout_return_by_staff(actor=creator, payout=payout, reason="Mine")
    with pytest.raises(ValidationFailed):
        payouts.payout_return_by_staff(actor=staff, payout=payout, reason="two\nlines")
    with django_capture_on_commit_callbacks(execute=True):
        returned = payouts.payout_return_by_staff(actor=staff, payout=payout, reason="Provider never took it")
    assert returned.state == PayoutState.FAILED and returned.failure_code == "RETURNED_BY_STAFF"
    assert selectors.wallet_balance_fen(creator) == 5_000_00
    assert AuditEntry.objects.get(action="payments.payout.returned").reason == "Provider never took it"
    assert ledger_problems() == []


def test_staff_cannot_return_one_the_provider_has(
    wechat, creator, settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_MAX_SENDS = 1
    wechat.transfer_answer = "PROCESSING"
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    Payout.objects.filter(pk=payout.pk).update(last_sent_at=timezone.now() - datetime.timedelta(hours=1))
    payout.refresh_from_db()
    with pytest.raises(payouts.Conflict, match="has this transfer"):
        payouts.payout_return_by_staff(actor=operator(), payout=payout, reason="Stuck")
    payout.refresh_from_db()
    assert payout.state == PayoutState.SENT and selectors.wallet_balance_fen(creator) == 4_900_00
    checked = payouts.payout_check_by_staff(actor=operator(), payout=payout)
    assert checked.state == PayoutState.SENT
    assert AuditEntry.objects.filter(action="payments.payout.checked").count() == 1


# The account: WeChat's web sign-in ------------------------------------------------------


def start_link(client, member, name=""):
    client.force_login(member)
    confirm_password(client, member)  # the page asks for it again before linking
    answer = client.post(reverse("payments:payee_wechat"), {"real_name": name})
    assert answer.status_code == 302, answer.content
    url = answer["Location"]
    return url, parse_qs(urlsplit(url).query)


def test_linking_wechat_goes_through_its_sign_in_and_binds_the_openid(
    wechat, client, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    url, query = start_link(client, member, name="张三")
    assert url.startswith(wechat.base_url + "/connect/oauth2/authorize?") and url.endswith("#wechat_redirect")
    assert query["appid"] == [wechat.appid] and query["scope"] == ["snsapi_base"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"][0].endswith(reverse("payments:payee_wechat_return"))
    state = query["state"][0]
    assert state.isalnum() and len(state) <= 128  # WeChat carries only letters and digits
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(
            reverse("payments:payee_wechat_return"), {"code": wechat.oauth_code(OPENID), "state": state}
        )
    assert back.status_code == 302 and back["Location"] == reverse("payments:payouts")
    payee = PayeeAccount.objects.get(member=member)
    assert payee.identifier == OPENID and payee.real_name == "张三" and payee.verified_at
    assert Notification.objects.get(recipient=member, kind="payments_payee_changed")
    # Just linked: it receives nothing for a day.
    fund_wallet(member, 100_00)
    with pytest.raises(ValidationFailed, match="linked recently"):
        payouts.payout_request(member=member, provider="wechat", amount=50_00, key="x")


def test_a_replayed_state_is_refused(wechat, client):
    member = MemberFactory()
    _url, query = start_link(client, member)
    state = query["state"][0]
    client.get(reverse("payments:payee_wechat_return"), {"code": wechat.oauth_code(OPENID), "state": state})
    first = PayeeAccount.objects.get(member=member)
    # The same state again (a browser's back button, or someone who saw the address).
    again = client.get(
        reverse("payments:payee_wechat_return"),
        {"code": wechat.oauth_code("oSomeoneElse0000000000001"), "state": state},
    )
    assert again.status_code == 302
    assert list(PayeeAccount.objects.filter(member=member)) == [first]
    # Even put back in the session, it serves once.
    session = client.session
    session["payments:wechat-oauth"] = {"state": state, "real_name": ""}
    session.save()
    client.get(
        reverse("payments:payee_wechat_return"),
        {"code": wechat.oauth_code("oSomeoneElse0000000000001"), "state": state},
    )
    assert list(PayeeAccount.objects.filter(member=member)) == [first]


@pytest.mark.parametrize("forgery", ["tampered", "another-members", "none", "garbage", "old"])
def test_a_forged_state_is_refused_and_binds_nothing(wechat, client, forgery):
    member = MemberFactory()
    _url, query = start_link(client, member)
    state = query["state"][0]
    if forgery == "tampered":
        state = state[:-1] + ("0" if state[-1] != "0" else "1")
    elif forgery == "another-members":
        # Another member's own valid state, put in this member's session.
        other = MemberFactory()
        from django.test import Client

        _u, other_query = start_link(Client(), other)
        state = other_query["state"][0]
    elif forgery == "none":
        state = ""
    elif forgery == "garbage":
        state = "<script>" * 3
    elif forgery == "old":
        nonce, stamp = "a" * 24, f"{int(time.time()) - 3600:08x}"
        state = nonce + stamp + payouts._state_mac(member.pk, nonce, stamp)
    session = client.session
    session["payments:wechat-oauth"] = {"state": state, "real_name": ""}
    session.save()
    back = client.get(
        reverse("payments:payee_wechat_return"), {"code": wechat.oauth_code(OPENID), "state": state}
    )
    assert back.status_code == 302
    assert not PayeeAccount.objects.filter(member=member).exists()
    messages = [str(m) for m in back.wsgi_request._messages]
    assert any("not the one this page started" in m for m in messages)


def test_a_code_wechat_does_not_accept_binds_nothing(wechat, client):
    member = MemberFactory()
    _url, query = start_link(client, member)
    back = client.get(
        reverse("payments:payee_wechat_return"), {"code": "not-a-real-code", "state": query["state"][0]}
    )
    assert back.status_code == 302
    assert [str(m) for m in back.wsgi_request._messages] == [
        "WeChat did not confirm your account. Link your WeChat again."
    ]
    assert not PayeeAccount.objects.exists()


def test_wechat_unreachable_during_the_exchange_binds_nothing(wechat, settings):
    member = MemberFactory()
    _url, state = payouts.payee_wechat_start(member=member)
    settings.WECHAT_OAUTH_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(ProviderUnavailable):
        payouts.payee_wechat_finish(member=member, state=state, code="abc", expected_state=state)
    assert not PayeeAccount.objects.exists()


def test_the_wrong_app_secret_binds_nothing(wechat, settings):
    member = MemberFactory()
    _url, state = payouts.payee_wechat_start(member=member)
    settings.WECHAT_OAUTH_APP_SECRET = "not-the-secret"
    with pytest.raises(ValidationFailed):
        payouts.payee_wechat_finish(
            member=member, state=state, code=wechat.oauth_code(OPENID), expected_state=state
        )
    assert not PayeeAccount.objects.exists()


def test_an_odd_name_is_refused_before_leaving_for_wechat(wechat, client):
    member = MemberFactory()
    client.force_login(member)
    confirm_password(client, member)
    answer = client.post(reverse("payments:payee_wechat"), {"real_name": "张\u202e三"})
    assert answer.status_code == 422 and "payments:wechat-oauth" not in client.session
