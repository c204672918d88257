"""What the payments app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): payments in yuan through WeChat Pay, Alipay or the
demo's offline provider — signed notifications, queries, refunds and daily-bill
reconciliation against the ledger's CNY accounts — and payouts of members' yuan wallets
to their WeChat Pay balance or Alipay account (payments.payouts). Other apps start
payments for what they sell (payments.services.payment_start) and hear back through
payments.signals; the operator's payout policy is read with payments.selectors.payout_policy."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, NavEntry, NoticeKind, Pages, PeriodicTask, Verb

from . import notices
from .permissions import can_manage_payments

CAPABILITY = Capability(
    label="payments",
    pages=Pages("payments/", "fanrepublic.payments.urls"),
    api=Api("/payments", "fanrepublic.payments.api:router"),
    verbs=(
        Verb("payments.payment.paid", _("A member's payment arrived from the payment provider.")),
        Verb("payments.payment.refunded", _("A refund of a member's payment was completed.")),
        Verb("payments.payout.requested", _("A member asked for a payout of their yuan wallet.")),
        Verb("payments.payout.done", _("A member's payout was paid out by the provider.")),
        Verb("payments.payout.failed", _("A member's payout failed and returned to their wallet.")),
        Verb("payments.payee.changed", _("A member linked or removed a payout account.")),
    ),
    notice_kinds=(
        NoticeKind(
            notices.REFUND_FAILED,
            _("Refunds that failed at the payment provider (staff)"),
            notices.refund_failed_text,
            offered_to=can_manage_payments,
        ),
        NoticeKind(notices.PAYOUT, _("My payouts: paid out, failed, or waiting for me"), notices.payout_text),
        NoticeKind(
            notices.PAYEE_CHANGED,
            _("Changes to my payout accounts"),
            notices.payee_changed_text,
            mandatory=True,
        ),
    ),
    periodic_tasks=(
        PeriodicTask("check-payments", "fanrepublic.payments.tasks.check_payments", 60),
        PeriodicTask("check-payment-bills", "fanrepublic.payments.tasks.check_yesterdays_bills", 3600),
        PeriodicTask("check-payouts", "fanrepublic.payments.tasks.check_payouts", 60),
    ),
    nav=(
        NavEntry(
            "account", _("My payments"), "payments:mine", rule=lambda user: user.is_authenticated, order=62
        ),
        NavEntry(
            "account", _("Payouts"), "payments:payouts", rule=lambda user: user.is_authenticated, order=63
        ),
        NavEntry("staff", _("Payments"), "payments:console", rule=can_manage_payments, order=65),
        NavEntry("staff", _("Payouts"), "payments:console_payouts", rule=can_manage_payments, order=66),
    ),
)
