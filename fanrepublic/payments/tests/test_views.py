"""The pages: a member pays on the demo provider's page (labelled as a demo everywhere),
the payment page follows the payment, staff refund from the console with every bad
input refused and nothing changed."""

import pytest
from django.urls import reverse

from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.payments import services
from fanrepublic.payments.enums import PaymentStatus
from fanrepublic.payments.models import Payment, Refund
from fanrepublic.points.models import Posting

pytestmark = pytest.mark.django_db
TOKEN = "0123456789abcdef0123456789abcdef"


def demo_payment(member, amount=8800):
    return services.payment_start(
        member=member, provider_code="offline", amount_fen=amount, description="Deposit"
    )


def test_a_member_pays_on_the_demo_page_which_says_it_is_a_demo(client):
    member = MemberFactory()
    payment = demo_payment(member)
    client.force_login(member)
    page = client.get(payment.get_absolute_url()).content.decode()
    assert 'data-testid="demo-banner"' in page and "no real money moves" in page
    demo = client.get(payment.checkout_url)
    assert 'data-testid="demo-banner"' in demo.content.decode()
    answer = client.post(payment.checkout_url)
    assert answer.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert Posting.objects.filter(account__code="system:provider-offline:CNY").get().amount_minor == 8800
    # Paying twice is refused, and charges nothing more.
    client.post(payment.checkout_url)
    assert Posting.objects.filter(account__code="system:provider-offline:CNY").count() == 1
    status = client.get(reverse("payments:status", args=[payment.reference]))
    assert status["HX-Refresh"] == "true"


def test_the_demo_page_is_the_members_own(client):
    payment = demo_payment(MemberFactory())
    client.force_login(MemberFactory())
    assert client.post(reverse("payments:offline_pay", args=[payment.reference])).status_code == 404
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_payment_of_a_provider_not_offered_is_refused():
    with pytest.raises(services.ValidationFailed):
        services.payment_start(member=MemberFactory(), provider_code="wechat", amount_fen=1, description="x")


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, 10**13])
def test_amounts_that_are_not_whole_positive_fen_are_refused(amount):
    with pytest.raises(services.ValidationFailed):
        demo_payment(MemberFactory(), amount=amount)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("description", ["", "   ", "a\u202eb", "x" * 121, "line\nbreak"])
def test_descriptions_are_checked(description):
    with pytest.raises(services.ValidationFailed):
        services.payment_start(
            member=MemberFactory(), provider_code="offline", amount_fen=100, description=description
        )


@pytest.fixture
def staff_client(client):
    staff = operator()
    client.force_login(staff)
    return client, staff


def paid_payment():
    member = MemberFactory()
    payment = demo_payment(member)
    return services.offline_pay(actor=member, reference=payment.reference)


def test_staff_refund_from_the_console_and_it_is_audited(staff_client):
    client, staff = staff_client
    payment = paid_payment()
    answer = client.post(
        reverse("payments:console_refund", args=[payment.reference]),
        {"amount": "30.00", "reason": "Goodwill", "token": TOKEN},
    )
    assert answer.status_code == 302
    payment.refresh_from_db()
    assert payment.refunded_fen == 3000
    entry = AuditEntry.objects.get(action="payments.refund.requested")
    assert entry.actor == staff and entry.data["amount_fen"] == 3000
    page = client.get(reverse("payments:console_payment", args=[payment.reference])).content.decode()
    assert "¥30.00" in page


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "88.01", "reason": "Too much"},
        {"amount": "0", "reason": "Nothing"},
        {"amount": "1.001", "reason": "Fractions of a fen"},
        {"amount": "abc", "reason": "Not a number"},
        {"amount": "1", "reason": ""},
        {"amount": "1", "reason": "\u202eevil"},
        {"amount": "1e3", "reason": "Exponent"},
    ],
)
def test_bad_refunds_are_refused_with_a_message_and_change_nothing(staff_client, data):
    client, _staff = staff_client
    payment = paid_payment()
    answer = client.post(
        reverse("payments:console_refund", args=[payment.reference]), {**data, "token": TOKEN}
    )
    assert answer.status_code == 422
    assert 'class="errorlist' in answer.content.decode() or "error" in answer.content.decode()
    assert not Refund.objects.exists()
    payment.refresh_from_db()
    assert payment.refunded_fen == 0


def test_the_same_refund_form_sent_twice_is_one_refund(staff_client):
    client, _staff = staff_client
    payment = paid_payment()
    url = reverse("payments:console_refund", args=[payment.reference])
    for _ in range(2):
        client.post(url, {"amount": "10.00", "reason": "Goodwill", "token": TOKEN})
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.refunded_fen == 1000


def test_a_payment_for_a_campaign_or_sale_is_refunded_there_not_on_the_console(staff_client):
    client, _staff = staff_client
    payment = paid_payment()
    Payment.objects.filter(pk=payment.pk).update(purpose_type="campaigns.backing", purpose_id="1")
    answer = client.post(
        reverse("payments:console_refund", args=[payment.reference]),
        {"amount": "1.00", "reason": "x", "token": TOKEN},
    )
    assert answer.status_code == 422 and not Refund.objects.exists()


def test_a_pending_payment_cannot_be_refunded(staff_client):
    client, _staff = staff_client
    payment = demo_payment(MemberFactory())
    answer = client.post(
        reverse("payments:console_refund", args=[payment.reference]),
        {"amount": "1.00", "reason": "x", "token": TOKEN},
    )
    assert answer.status_code == 422
    assert not Refund.objects.exists()


def test_the_console_lists_payments_and_refused_notifications(staff_client):
    client, _staff = staff_client
    paid_payment()
    client.post(reverse("payments:notify", args=["offline"]), data=b"{}", content_type="application/json")
    page = client.get(reverse("payments:console")).content.decode()
    assert "¥88.00" in page
    assert 'data-testid="refused-notices"' in page


def test_a_notification_for_a_provider_not_in_use_is_404(client):
    assert (
        client.post(
            reverse("payments:notify", args=["paypal"]), data=b"x", content_type="text/plain"
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("payments:notify", args=["wechat"]), data=b"x", content_type="text/plain"
        ).status_code
        == 404
    )


def test_refused_notifications_are_stored_at_a_bounded_rate(client, settings):
    from fanrepublic.payments.models import ProviderNotice

    settings.PAYMENTS_REFUSED_NOTICE_LOG_RATE = "3/m"
    for _ in range(10):
        assert (
            client.post(
                reverse("payments:notify", args=["offline"]), data=b"{}", content_type="application/json"
            ).status_code
            == 400
        )
    assert ProviderNotice.objects.count() == 3


def test_reconcile_payments_command_reports_differences(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    paid_payment()
    call_command("reconcile_payments", "--date", str(Payment.objects.get().paid_at.astimezone().date()))
    Payment.objects.update(amount_fen=1)  # our record no longer says what the provider took
    with pytest.raises(CommandError):
        call_command("reconcile_payments", "--date", str(Payment.objects.get().paid_at.astimezone().date()))
    assert "amounts differ" in capsys.readouterr().err
