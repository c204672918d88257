"""Who may use each payments page and API operation (fanrepublic/core/tests/access.py).
A payment is seen by its member and by operators and founders; everyone else gets 404.
Only the member pays on the demo provider's page. Staff pages are operators' and
founders'. Providers' notifications come from anyone and are judged by their signature
(a request with none is refused with 400, the same for everyone)."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page

MONEY = ("operator", "founder")
SEES_PAYMENT = ("member", *MONEY)


def pending(w):
    """A demo payment of the world's member, waiting to be paid."""

    def build():
        from fanrepublic.payments.services import payment_start

        return payment_start(
            member=w.member, provider_code="offline", amount_fen=8800, description="Band 9 deposit"
        ).reference

    return w.once("pending", build)


def paid(w):
    def build():
        from fanrepublic.payments.services import offline_pay, payment_start

        payment = payment_start(
            member=w.member, provider_code="offline", amount_fen=8800, description="Deposit"
        )
        return offline_pay(actor=w.member, reference=payment.reference).reference

    return w.once("paid", build)


def failed_refund(w):
    """A refund of a paid demo payment that the provider refused."""

    def build():
        from fanrepublic.payments.models import Payment
        from fanrepublic.payments.tests.factories import RefundFactory

        payment = Payment.objects.get(reference=paid(w))
        return RefundFactory(payment=payment, amount_fen=100, status="failed").reference

    return w.once("failed_refund", build)


ACCESS = (
    page(
        "payments:notify",
        EVERYONE,
        ok=400,
        method="post",
        args=lambda w: {"provider": "offline"},
        note="a notification with no valid signature is refused for everyone",
    ),
    page("payments:mine", SIGNED_IN, visitor=302),
    page("payments:payment", SEES_PAYMENT, args=lambda w: {"reference": pending(w)}, visitor=302),
    page("payments:status", SEES_PAYMENT, args=lambda w: {"reference": pending(w)}, visitor=302),
    page("payments:offline_pay", ("member",), args=lambda w: {"reference": pending(w)}, visitor=302),
    page(
        "payments:offline_pay",
        ("member",),
        ok=302,
        method="post",
        args=lambda w: {"reference": pending(w)},
        visitor=302,
    ),
    page("payments:console", MONEY, visitor=302),
    page("payments:console_payment", MONEY, args=lambda w: {"reference": paid(w)}, visitor=302),
    page(
        "payments:console_refund",
        MONEY,
        ok=302,
        method="post",
        args=lambda w: {"reference": paid(w)},
        data=lambda w: {"amount": "1.00", "reason": "Goodwill", "token": "0123456789abcdef0123456789abcdef"},
        visitor=302,
    ),
    page(
        "payments:console_refund_again",
        MONEY,
        ok=302,
        method="post",
        args=lambda w: {"reference": failed_refund(w)},
        visitor=302,
    ),
    page(
        "payments:console_check",
        MONEY,
        ok=302,
        method="post",
        args=lambda w: {"reference": paid(w)},
        visitor=302,
    ),
    api("GET /api/v1/payments", SIGNED_IN, visitor=401),
    api(
        "GET /api/v1/payments/{reference}",
        SEES_PAYMENT,
        args=lambda w: {"reference": pending(w)},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
