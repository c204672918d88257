"""Who may use each payments page and API operation (fanrepublic/core/tests/access.py).
A payment is seen by its member and by operators and founders; everyone else gets 404.
Only the member pays on the demo provider's page. Staff pages are operators' and
founders'. Providers' notifications come from anyone and are judged by their signature
(a request with none is refused with 400, the same for everyone).

Payouts: every member has their own payouts page, requests, accounts and payouts (only
the world's member has money and an account, so only they get a payout; the others are
refused with 422); another member's payout or account answers 404 — staff too, who read
payouts on the console. WeChat and Alipay payouts are not configured here, so linking
them is refused for everyone alike (422, or a redirect with the reason for WeChat's
sign-in return)."""

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


def payout_creator(w):
    """The world's member with ¥500 in their yuan wallet and the demo account linked."""

    def build():
        from fanrepublic.payments.tests.factories import PayeeAccountFactory, fund_wallet

        fund_wallet(w.member, 500_00)
        return PayeeAccountFactory(
            member=w.member, provider="offline", identifier=f"demo-{w.member.pk}", real_name=""
        ).pk

    return w.once("payout_creator", build)


def a_payout(w):
    """A payout of the world's member, on its way (its send waits for a commit)."""

    def build():
        from fanrepublic.payments.payouts import payout_request

        payout_creator(w)
        return payout_request(member=w.member, provider="offline", amount=100_00, key="access").reference

    return w.once("a_payout", build)


ONLY_MEMBER_PAYS = {**dict.fromkeys(SIGNED_IN, 422), "member": 302}
FORM = {"provider": "offline", "amount": "50.00", "token": "0123456789abcdef0123456789abcdef"}

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
    page("payments:payouts", SIGNED_IN, visitor=302),
    page(
        "payments:payout_request",
        ONLY_MEMBER_PAYS,
        method="post",
        args=lambda w: payout_creator(w) and {},
        data=lambda w: FORM,
        visitor=302,
    ),
    page(
        "payments:payee_alipay",
        SIGNED_IN,
        ok=302,
        method="post",
        data=lambda w: {"login": "13800138000", "real_name": "张三"},
        visitor=302,
        note="asks for the password again first (then: Alipay is not configured here, test_payouts_alipay)",
    ),
    page(
        "payments:payee_wechat",
        SIGNED_IN,
        ok=302,
        method="post",
        data=lambda w: {"real_name": ""},
        visitor=302,
        note="asks for the password again first (then: WeChat is not configured here, test_payouts_wechat)",
    ),
    page("payments:payee_wechat_return", SIGNED_IN, ok=302, visitor=302, note="refused with its reason"),
    page("payments:payee_demo", SIGNED_IN, ok=302, method="post", visitor=302),
    page(
        "payments:payee_remove",
        ("member",),
        ok=302,
        method="post",
        args=lambda w: {"pk": payout_creator(w)},
        visitor=302,
    ),
    page("payments:payout", ("member",), args=lambda w: {"reference": a_payout(w)}, visitor=302),
    page("payments:console_payouts", MONEY, visitor=302),
    page("payments:console_payout_policy", MONEY, visitor=302),
    page(
        "payments:console_payout_policy",
        MONEY,
        ok=302,
        method="post",
        data=lambda w: {"minimum": "20.00", "tax_rate": "0.1", "reason": "Access test"},
        visitor=302,
    ),
    page("payments:console_payout", MONEY, args=lambda w: {"reference": a_payout(w)}, visitor=302),
    page(
        "payments:console_payout_check",
        MONEY,
        ok=302,
        method="post",
        args=lambda w: {"reference": a_payout(w)},
        visitor=302,
    ),
    page(
        "payments:console_payout_return",
        MONEY,
        ok=302,
        method="post",
        args=lambda w: {"reference": a_payout(w)},
        data=lambda w: {"reason": "Never taken"},
        visitor=302,
        note="refused with its reason while the platform still sends it",
    ),
    api("GET /api/v1/payments/payouts", SIGNED_IN, visitor=401),
    api(
        "POST /api/v1/payments/payouts",
        {**dict.fromkeys(SIGNED_IN, 422), "member": 201},
        args=lambda w: payout_creator(w) and {},
        data=lambda w: {"provider": "offline", "amount_fen": 50_00, "idempotency_key": "access"},
        visitor=401,
    ),
    api(
        "GET /api/v1/payments/payouts/{reference}",
        ("member",),
        args=lambda w: {"reference": a_payout(w)},
        visitor=401,
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
