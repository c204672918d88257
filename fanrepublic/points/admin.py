from django.contrib import admin

from .models import Account, PointLot, Posting, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger changes only through its services (balanced, locked, idempotent);
    the admin shows it and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "currency", "amount_minor")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "currency", "owner", "balance_minor", "allow_negative")
    list_filter = ("kind", "currency")
    search_fields = ("code", "owner__username")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "memo", "actor", "idempotency_key", "reverses")
    list_filter = ("kind",)
    search_fields = ("idempotency_key", "memo")
    inlines = [PostingInline]
    show_full_result_count = False


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "currency", "amount_minor", "transaction")
    show_full_result_count = False


@admin.register(PointLot)
class PointLotAdmin(ReadOnlyAdmin):
    list_display = ("account", "amount", "remaining", "earned_at", "expires_at")
