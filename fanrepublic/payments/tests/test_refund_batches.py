"""Refunds in batches (every deposit of a failed campaign): recorded, sent and posted
once each, a batch refused whole when any refund in it is not allowed, a provider's
trouble with one refund not holding back the others, and a refund the provider refuses
told to the payment staff, listed on the console and sent again from there."""

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator
from fanrepublic.notifications.messages import notification_text
from fanrepublic.notifications.models import Notification
from fanrepublic.payments import notices, services
from fanrepublic.payments.enums import RefundStatus
from fanrepublic.payments.models import OfflineRefund, Payment, Refund
from fanrepublic.payments.providers.base import ProviderError
from fanrepublic.payments.providers.offline import OfflineProvider
from fanrepublic.points.models import Posting, Transaction
from fanrepublic.points.selectors import ledger_problems

pytestmark = pytest.mark.django_db


def paid(amount=8800):
    member = MemberFactory()
    payment = services.payment_start(
        member=member, provider_code="offline", amount_fen=amount, description="Deposit"
    )
    return services.offline_pay(actor=member, reference=payment.reference)


def full(payments, prefix="batch"):
    return [services.RefundAsk(payment=p, amount_fen=p.amount_fen, key=f"{prefix}:{p.pk}") for p in payments]


def provider_balance():
    return Posting.objects.filter(account__code="system:provider-offline:CNY").aggregate(
        t=Sum("amount_minor")
    )["t"]


def test_a_batch_is_recorded_sent_and_posted_once_each():
    payments = [paid(8800 + n) for n in range(6)]
    refunds = services.refunds_request_many(asks=full(payments), reason="Campaign did not go ahead")
    assert [r.status for r in refunds] == [RefundStatus.REQUESTED] * 6
    assert services.refunds_submit(refund_ids=[r.pk for r in refunds]) == 6
    for payment in payments:
        payment.refresh_from_db()
        assert payment.refunded_fen == payment.amount_fen
    assert set(Refund.objects.values_list("status", flat=True)) == {RefundStatus.SUCCEEDED}
    assert Transaction.objects.filter(kind="refund").count() == 6
    assert provider_balance() == 0
    assert Event.objects.filter(verb="payments.payment.refunded").count() == 6
    assert OfflineRefund.objects.count() == 6
    assert ledger_problems() == []
    # Asked and sent again: the same refunds, nothing more.
    again = services.refunds_request_many(asks=full(payments), reason="Campaign did not go ahead")
    assert [r.pk for r in again] == [r.pk for r in refunds]
    assert services.refunds_submit(refund_ids=[r.pk for r in refunds]) == 0
    assert Transaction.objects.filter(kind="refund").count() == 6 and OfflineRefund.objects.count() == 6


def test_two_refunds_of_one_payment_in_a_batch_never_exceed_what_was_paid():
    payment = paid(8800)
    asks = [
        services.RefundAsk(payment=payment, amount_fen=5000, key="part:1"),
        services.RefundAsk(payment=payment, amount_fen=3800, key="part:2"),
    ]
    refunds = services.refunds_request_many(asks=asks, reason="Two parts")
    services.refunds_submit(refund_ids=[r.pk for r in refunds])
    payment.refresh_from_db()
    assert payment.refunded_fen == 8800
    with pytest.raises(ValidationFailed):
        services.refunds_request_many(
            asks=[services.RefundAsk(payment=payment, amount_fen=1, key="part:3")], reason="More"
        )


@pytest.mark.parametrize("problem", ["too much", "unpaid", "zero", "reason"])
def test_one_refund_not_allowed_refuses_the_whole_batch(problem):
    good = paid()
    other = paid()
    ask = services.RefundAsk(payment=other, amount_fen=other.amount_fen, key="other")
    reason = "Campaign did not go ahead"
    if problem == "too much":
        ask = services.RefundAsk(payment=other, amount_fen=other.amount_fen + 1, key="other")
    elif problem == "unpaid":
        pending = services.payment_start(
            member=MemberFactory(), provider_code="offline", amount_fen=100, description="Deposit"
        )
        ask = services.RefundAsk(payment=pending, amount_fen=100, key="other")
    elif problem == "zero":
        ask = services.RefundAsk(payment=other, amount_fen=0, key="other")
    else:
        reason = "line\nbreak"
    with pytest.raises(ValidationFailed):
        services.refunds_request_many(asks=[*full([good]), ask], reason=reason)
    assert not Refund.objects.exists()


def test_a_provider_down_for_one_refund_does_not_hold_back_the_others(monkeypatch):
    payments = [paid() for _ in range(3)]
    refunds = services.refunds_request_many(asks=full(payments), reason="Campaign did not go ahead")
    unlucky = refunds[1].reference
    real = OfflineProvider.refund_many

    def flaky(self, batch):
        answers = real(self, [r for r in batch if r.reference != unlucky])
        answers.insert([r.reference for r in batch].index(unlucky), ProviderError("timed out"))
        return answers

    monkeypatch.setattr(OfflineProvider, "refund_many", flaky)
    assert services.refunds_submit(refund_ids=[r.pk for r in refunds]) == 2
    kept = Refund.objects.get(reference=unlucky)
    assert kept.status == RefundStatus.REQUESTED and kept.problem == "timed out" and kept.attempts == 1
    assert Refund.objects.filter(status=RefundStatus.SUCCEEDED).count() == 2
    monkeypatch.setattr(OfflineProvider, "refund_many", real)
    # The periodic check sends it under the same number.
    services.refunds_submit(refund_ids=[kept.pk])
    kept.refresh_from_db()
    assert kept.status == RefundStatus.SUCCEEDED and provider_balance() == 0


def refused_refund():
    """A refund the demo provider refuses: its trade was already refunded in full there
    (as if by hand, outside the platform)."""
    payment = paid()
    refund = services.refunds_request_many(asks=full([payment]), reason="Campaign did not go ahead")[0]
    OfflineRefund.objects.create(
        trade=_trade(payment),
        reference=f"BYHAND{payment.pk}",
        refund_no=f"BYHAND{payment.pk}",
        amount_fen=payment.amount_fen,
        refunded_at=payment.paid_at,
    )
    services.refunds_submit(refund_ids=[refund.pk])
    refund.refresh_from_db()
    return refund


def _trade(payment):
    from fanrepublic.payments.models import OfflineTrade

    return OfflineTrade.objects.get(reference=payment.reference)


def test_a_refused_refund_is_told_to_payment_staff_and_sent_again_from_the_console(client):
    staff, boss, bystander = operator(), founder(), engineer()
    refund = refused_refund()
    assert refund.status == RefundStatus.FAILED
    assert Payment.objects.get(pk=refund.payment_id).refunded_fen == 0
    told = Notification.objects.filter(kind=notices.REFUND_FAILED)
    assert set(told.values_list("recipient_id", flat=True)) == {staff.pk, boss.pk}
    assert not told.filter(recipient=bystander).exists()
    note = told.first()
    with translation.override("en"):
        assert refund.reference in notification_text(note.kind, note.params)
    with translation.override("zh-hans"):
        assert "退款" in notification_text(note.kind, note.params)

    client.force_login(staff)
    page = client.get(reverse("payments:console")).content.decode()
    assert 'data-testid="failed-refunds"' in page and refund.reference in page
    # The trade's hand refund is undone at the provider; sending again now succeeds.
    OfflineRefund.objects.filter(reference__startswith="BYHAND").delete()
    url = reverse("payments:console_refund_again", args=[refund.reference])
    for _ in range(2):  # a double click is one new refund
        assert client.post(url).status_code == 302
    again = Refund.objects.get(reference=services.again_reference(refund))
    assert again.status == RefundStatus.SUCCEEDED and again.amount_fen == refund.amount_fen
    assert Refund.objects.count() == 2
    assert Payment.objects.get(pk=refund.payment_id).refunded_fen == refund.amount_fen
    entry = AuditEntry.objects.get(action="payments.refund.sent_again")
    assert entry.actor == staff and entry.data["failed"] == refund.reference
    assert 'data-testid="failed-refunds"' not in client.get(reverse("payments:console")).content.decode()
    assert ledger_problems() == []


def test_only_a_failed_refund_is_sent_again_and_only_by_payment_staff():
    payment = paid()
    refund = services.refund_request(
        payment=payment, amount_fen=100, reason="Goodwill", key="ok", send_now=True
    )
    with pytest.raises(Conflict):
        services.refund_send_again(actor=operator(), refund=refund)
    failed = refused_refund()
    for outsider in (MemberFactory(), engineer()):
        with pytest.raises(NotFound):
            services.refund_send_again(actor=outsider, refund=failed)
    assert not Refund.objects.filter(reference=services.again_reference(failed)).exists()


def test_a_missing_refund_is_404_on_the_console(client):
    client.force_login(operator())
    assert client.post(reverse("payments:console_refund_again", args=["RFNOSUCH"])).status_code == 404


def test_send_again_asks_the_provider_first_and_never_pays_twice(client, monkeypatch):
    from fanrepublic.payments.providers import base

    staff = operator()
    # Paid out at the provider after all (settled there by hand): recorded, not sent again.
    paid_after_all = refused_refund()
    OfflineRefund.objects.create(
        trade=_trade(paid_after_all.payment),
        reference=paid_after_all.reference,
        refund_no="LATE1",
        amount_fen=paid_after_all.amount_fen,
        refunded_at=paid_after_all.created_at,
    )
    with pytest.raises(Conflict):
        services.refund_send_again(actor=staff, refund=paid_after_all)
    paid_after_all.refresh_from_db()
    assert paid_after_all.status == RefundStatus.SUCCEEDED and paid_after_all.replaced_by_id is None
    assert Payment.objects.get(pk=paid_after_all.payment_id).refunded_fen == paid_after_all.amount_fen
    # Not closed at the provider (abnormal: being settled there): not sent again.
    abnormal = refused_refund()
    monkeypatch.setattr(
        OfflineProvider,
        "query_refund",
        lambda self, refund: base.RefundState(reference=refund.reference, state=base.REFUND_ABNORMAL),
    )
    with pytest.raises(Conflict):
        services.refund_send_again(actor=staff, refund=abnormal)
    assert not Refund.objects.filter(reference=services.again_reference(abnormal)).exists()
    assert ledger_problems() == []


def test_the_console_lists_every_failed_refund_not_yet_sent_again(client, monkeypatch):
    from fanrepublic.payments import selectors

    first, second, third = refused_refund(), refused_refund(), refused_refund()
    OfflineRefund.objects.filter(reference__startswith="BYHAND").delete()
    services.refund_send_again(actor=operator(), refund=second)
    assert [r.reference for r in selectors.failed_refunds(limit=1)] == [third.reference]
    assert {r.reference for r in selectors.failed_refunds()} == {first.reference, third.reference}


def test_an_answer_for_another_refund_is_not_applied(monkeypatch):
    from fanrepublic.payments.providers import base

    payment = paid()
    refund = services.refunds_request_many(asks=full([payment]), reason="Campaign did not go ahead")[0]
    monkeypatch.setattr(
        OfflineProvider,
        "refund_many",
        lambda self, batch: [
            base.RefundState(reference="RFSOMEONEELSE", state=base.REFUND_DONE) for _ in batch
        ],
    )
    assert services.refunds_submit(refund_ids=[refund.pk]) == 0
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED and "RFSOMEONEELSE" in refund.problem
    assert Payment.objects.get(pk=payment.pk).refunded_fen == 0 and provider_balance() == payment.amount_fen


def test_one_key_for_two_different_refunds_is_a_caller_error():
    payment = paid()
    services.refunds_request_many(
        asks=[services.RefundAsk(payment=payment, amount_fen=100, key="same")], reason="First"
    )
    with pytest.raises(ValueError):
        services.refunds_request_many(
            asks=[services.RefundAsk(payment=payment, amount_fen=200, key="same")], reason="Second"
        )
    assert Refund.objects.count() == 1
