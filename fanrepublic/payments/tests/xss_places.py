"""The stored-XSS suite's places for payments (see fanrepublic/core/tests/xss.py): the
corpus written through the services into what members and providers put in payment
records, and every page that shows them checked."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

_MADE = "made by the platform (a reference, an account code, a model label), never typed"
ALLOWED: dict[str, str] = {
    "payments.Payment.reference": _MADE,
    "payments.Payment.ledger_account": _MADE,
    "payments.Payment.ledger_account_kind": _MADE,
    "payments.Payment.purpose_type": _MADE,
    "payments.Payment.purpose_id": _MADE,
    "payments.Payment.checkout_url": "an address our code or the provider's SDK builds; only an href",
    "payments.Payment.problem": "the platform's own message about the provider's answer (numbers)",
    "payments.Refund.reference": _MADE,
    "payments.Refund.problem": "the platform's own message about a provider's refusal",
    "payments.Refund.provider_refund_no": "the provider's signed answer; shown on no page",
    "payments.ProviderNotice.notice_id": "a provider's notification id; shown on no page",
    "payments.ProviderNotice.remote_addr": "an address normalised by core.clientip",
    "payments.OfflineTrade.reference": _MADE,
    "payments.OfflineTrade.trade_no": _MADE,
    "payments.OfflineRefund.reference": _MADE,
    "payments.OfflineRefund.refund_no": _MADE,
    "payments.BillCheck.error": "the platform's own message about a bill it could not read",
}
NOT_PAGES: dict[str, str] = {
    "payments:notify": "a provider's endpoint: answers 204/success or a refusal, never stored text",
    "payments:console_refund": "POST only: redirects to the console's payment page (visited)",
    "payments:console_check": "POST only: redirects to the console's payment page (visited)",
    "payments:console_refund_again": "POST only: redirects to the console (visited)",
}


@place(
    "payments",
    "payments.Payment.description",
    "payments.Payment.provider_trade_no",
    "payments.Refund.reason",
    "payments.ProviderNotice.detail",
    "payments.ProviderNotice.kind",
    "payments.ProviderNotice.reference",
)
def payments_and_refunds(pages: Pages):
    from fanrepublic.core.errors import ValidationFailed
    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.payments import services
    from fanrepublic.payments.providers import base

    member, staff = MemberFactory(), operator()
    described, traded, reasons = [], [], []
    made = []
    for group in packs(120):
        try:
            payment = services.payment_start(
                member=member,
                provider_code="offline",
                amount_fen=10_000,
                description=" ".join(p.text for p in group),
            )
        except ValidationFailed:
            continue  # refused text is never stored (services._line_problem)
        described += markers(group)
        made.append(payment)
    for payment, group in zip(made, packs(64), strict=False):
        trade = base.TradeState(
            reference=payment.reference,
            state=base.TRADE_PAID,
            trade_no=" ".join(p.text for p in group)[:64],
            amount_fen=payment.amount_fen,
        )
        services.notice_apply(
            provider_code="offline", notice=base.Notice(notice_id=payment.reference, kind="x", trade=trade)
        )
        payment.refresh_from_db()
        if payment.provider_trade_no == " ".join(p.text for p in group):
            traded += markers(group)
    paid = [p for p in made if p.provider_trade_no]
    for index, group in enumerate(packs(80)):
        try:
            services.refund_request(
                payment=paid[index % len(paid)],
                amount_fen=1,
                reason=" ".join(p.text for p in group),
                key=f"x{index}",
            )
        except ValidationFailed:
            continue
        reasons += markers(group)
    details, kinds = [], []
    for group in packs(40):
        text = " ".join(p.text for p in group)
        services.notice_refused_record(
            provider_code="wechat",
            refusal=base.NoticeRefused("forged", text),
            remote_addr="203.0.113.9",
            network=f"xss-{len(details)}",
            size=1,
        )
        services.notice_apply(
            provider_code="offline",
            notice=base.Notice(
                notice_id=f"n{len(kinds)}",
                kind=text,
                trade=base.TradeState(reference=text[:32], state=base.TRADE_PAID, amount_fen=1),
            ),
        )
        details += markers(group)
        kinds += markers(group)
    pages.check(member, _reverse("payments:mine"), shows=described[:10])
    for payment in made:
        pages.check(member, _reverse("payments:payment", payment.reference))
        pages.check(member, _reverse("payments:status", payment.reference))
        pages.check(staff, _reverse("payments:console_payment", payment.reference))
    pending = services.payment_start(
        member=member, provider_code="offline", amount_fen=1, description="Pending"
    )
    pages.check(member, _reverse("payments:offline_pay", pending.reference))
    pages.check(staff, _reverse("payments:console"), shows=details[:5])
    for payment in paid:
        pages.check(staff, _reverse("payments:console_payment", payment.reference))
    pages.admin(*made[:2], *paid[0].refunds.all()[:1])
    assert described and reasons and traded is not None and kinds
