from django.contrib import admin

# Money records are written by the services only (the ledger follows them): the admin
# shows them; refunds and checks are made on the payments console.
from fanrepublic.points.admin import ReadOnlyAdmin

from .models import (
    BillCheck,
    OfflineRefund,
    OfflineTrade,
    PayeeAccount,
    Payment,
    Payout,
    PayoutPolicy,
    ProviderNotice,
    Refund,
)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "provider", "member", "amount_fen", "refunded_fen", "status", "created_at")
    list_filter = ("provider", "status")
    search_fields = ("reference", "provider_trade_no")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("reference", "payment", "amount_fen", "status", "created_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("reference", "payment__reference")


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "outcome", "kind", "reference", "remote_addr")
    list_filter = ("provider", "outcome")
    search_fields = ("reference", "notice_id")


@admin.register(BillCheck)
class BillCheckAdmin(ReadOnlyAdmin):
    list_display = ("bill_date", "provider", "lines", "checked_at", "error")
    list_filter = ("provider",)


@admin.register(OfflineTrade)
class OfflineTradeAdmin(ReadOnlyAdmin):
    list_display = ("reference", "trade_no", "amount_fen", "paid_at", "closed")


@admin.register(OfflineRefund)
class OfflineRefundAdmin(ReadOnlyAdmin):
    list_display = ("reference", "refund_no", "amount_fen", "refunded_at")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("reference", "provider", "member", "amount_fen", "state", "provider_state", "created_at")
    list_filter = ("provider", "state")
    search_fields = ("reference", "provider_no")


@admin.register(PayeeAccount)
class PayeeAccountAdmin(ReadOnlyAdmin):
    list_display = ("member", "provider", "masked", "created_at", "verified_at", "removed_at")
    list_filter = ("provider",)
    # An openid or a phone number is personal data: the admin shows it masked.
    exclude = ("identifier",)


@admin.register(PayoutPolicy)
class PayoutPolicyAdmin(ReadOnlyAdmin):
    list_display = ("version", "minimum_fen", "tax_rate", "created_by", "created_at")
