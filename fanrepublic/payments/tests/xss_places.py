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
    "payments.Payout.reference": _MADE,
    "payments.Payout.payee_identifier": "a snapshot of a validated payee account (an Alipay phone number "
    "or plain email, a WeChat openid, the demo's own); no page shows it",
    "payments.Payout.problem": "the platform's own message about a provider's answer (its error code); "
    "shown escaped on the console only",
    "payments.PayeeAccount.identifier": "validated as an Alipay phone number or plain email (letters, "
    "digits and . _ % + -), or the openid WeChat's sign-in returned (letters, digits, _ and -); pages "
    "show it masked",
}
NOT_PAGES: dict[str, str] = {
    "payments:notify": "a provider's endpoint: answers 204/success or a refusal, never stored text",
    "payments:console_refund": "POST only: redirects to the console's payment page (visited)",
    "payments:console_check": "POST only: redirects to the console's payment page (visited)",
    "payments:console_refund_again": "POST only: redirects to the console (visited)",
    "payments:payout_request": "POST only: redirects to the payout's page (visited)",
    "payments:payee_alipay": "POST only: redirects to the payouts page (visited)",
    "payments:payee_wechat": "POST only: redirects to WeChat's sign-in",
    "payments:payee_wechat_return": "WeChat's sign-in coming back: redirects to the payouts page (visited)",
    "payments:payee_demo": "POST only: redirects to the payouts page (visited)",
    "payments:payee_remove": "POST only: redirects to the payouts page (visited)",
    "payments:console_payout_check": "POST only: redirects to the console's payout page (visited)",
    "payments:console_payout_return": "POST only: redirects to the console's payout page (visited)",
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


@place(
    "payouts",
    "payments.PayeeAccount.real_name",
    "payments.Payout.payee_name",
    "payments.Payout.provider_no",
    "payments.Payout.provider_state",
    "payments.Payout.package_info",
    "payments.Payout.failure_code",
    "payments.PayoutPolicy.reason",
)
def payouts_and_accounts(pages: Pages):
    import datetime

    from django.test import override_settings
    from django.utils import timezone

    from fanrepublic.core.errors import ValidationFailed
    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.payments import payout_transfers, payouts
    from fanrepublic.payments.models import PayeeAccount
    from fanrepublic.payments.providers import base
    from fanrepublic.payments.tests.factories import fund_wallet

    member, staff = MemberFactory(), operator()
    fund_wallet(member, 1_000_000_00)
    names, policies, made = [], [], []

    def apply(payout, **state):
        payout_transfers.transfer_notice_apply(
            provider_code=payout.provider, transfer=base.TransferState(reference=payout.reference, **state)
        )

    with override_settings(
        PAYMENTS_PROVIDERS=["alipay", "offline"],
        # Alipay's certificates are read only when a transfer is sent, which none is here
        # (the sends wait for a commit): accounts and payouts go through the services.
        PAYOUT_ALIPAY_APP_CERT="x",
        PAYOUT_ALIPAY_PUBLIC_CERT="x",
        PAYOUT_ALIPAY_ROOT_CERT="x",
        PAYOUT_PAYEE_CHANGE_RATE="100000/d",
        PAYOUT_REQUEST_RATE="100000/h",
        PAYOUT_DAILY_MAXIMUM_FEN=10**12,
    ):
        for group in packs(50):
            try:
                payouts.payee_alipay_link(
                    member=member, login="13800138000", real_name=" ".join(p.text for p in group)
                )
            except ValidationFailed:
                continue  # refused text is never stored (payouts.real_name_checked)
            names += markers(group)
        payouts.payee_demo_link(member=member)
        for index, group in enumerate(packs(24)):
            text, shown = " ".join(p.text for p in group), markers(group)
            payout = payouts.payout_request(
                member=member, provider="offline", amount=10_00, key=f"xss{index}"
            )
            # What a provider could say of it: its number and its own state, a package for
            # the member to confirm, and a reason it failed (which ends it, for the next).
            apply(payout, state=base.TRANSFER_PROCESSING, transfer_no=text, provider_state=text)
            pages.check(staff, _reverse("payments:console_payout", payout.reference), shows=shown)
            pages.check(member, _reverse("payments:payout", payout.reference), shows=shown)
            apply(
                payout, state=base.TRANSFER_PROCESSING, provider_state="WAIT_USER_CONFIRM", package_info=text
            )
            pages.check(member, _reverse("payments:payout", payout.reference), shows=shown)
            apply(payout, state=base.TRANSFER_FAILED, reason=text)
            pages.check(member, _reverse("payments:payout", payout.reference), shows=shown)
            pages.check(staff, _reverse("payments:console_payout", payout.reference), shows=shown)
            made.append(payout)
        # A payout keeps its account's real name: the last one linked, once its wait is over.
        PayeeAccount.objects.filter(member=member, provider="alipay").update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )
        if names:
            to_alipay = payouts.payout_request(
                member=member, provider="alipay", amount=10_00, key="xss-alipay"
            )
            pages.check(member, _reverse("payments:payout", to_alipay.reference), shows=names[-1:])
            pages.check(staff, _reverse("payments:console_payout", to_alipay.reference), shows=names[-1:])
        for group in packs(200):
            try:
                payouts.payout_policy_set(
                    actor=staff, minimum_fen=10_00, tax_rate="0.1", reason=" ".join(p.text for p in group)
                )
            except ValidationFailed:
                continue
            policies += markers(group)
        pages.check(member, _reverse("payments:payouts"), shows=names[-1:])
        pages.check(staff, _reverse("payments:console_payouts"))
        pages.check(staff, _reverse("payments:console_payouts"), state="failed")
        pages.check(staff, _reverse("payments:console_payout_policy"), shows=policies[:5])
        pages.admin(made[0], PayeeAccount.objects.filter(member=member).first())
    assert made and policies
