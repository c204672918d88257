"""What the payments app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): payments in yuan through WeChat Pay, Alipay or the
demo's offline provider — signed notifications, queries, refunds and daily-bill
reconciliation against the ledger's CNY accounts. Other apps start payments for what
they sell (payments.services.payment_start) and hear back through payments.signals."""

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
    ),
    notice_kinds=(
        NoticeKind(
            notices.REFUND_FAILED,
            _("Refunds that failed at the payment provider (staff)"),
            notices.refund_failed_text,
            offered_to=can_manage_payments,
        ),
    ),
    periodic_tasks=(
        PeriodicTask("check-payments", "fanrepublic.payments.tasks.check_payments", 60),
        PeriodicTask("check-payment-bills", "fanrepublic.payments.tasks.check_yesterdays_bills", 3600),
    ),
    nav=(
        NavEntry(
            "account", _("My payments"), "payments:mine", rule=lambda user: user.is_authenticated, order=62
        ),
        NavEntry("staff", _("Payments"), "payments:console", rule=can_manage_payments, order=65),
    ),
)
