from django.contrib import admin
from django.core.exceptions import ValidationError

from fanrepublic.core.admin import AuditedModelAdmin
from fanrepublic.core.errors import ValidationFailed

from .models import Account, EarningRule, PointLot, Posting, Transaction
from .rules import rule_validate, rules_changed


class ReadOnlyAdmin(AuditedModelAdmin):
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


class EarningRuleForm(admin.ModelAdmin.form):
    def clean(self):
        data = super().clean()
        try:
            rule_validate(
                EarningRule(
                    **{
                        k: v
                        for k, v in data.items()
                        if k in {"verb", "points", "daily_cap", "monthly_cap", "match_properties"}
                    }
                )
            )
        except ValidationFailed as exc:
            raise ValidationError(
                {k if k in self.fields else None: v for k, v in exc.errors.items()}
            ) from None
        return data


@admin.register(EarningRule)
class EarningRuleAdmin(AuditedModelAdmin):
    form = EarningRuleForm
    list_display = ("name", "verb", "points", "daily_cap", "monthly_cap", "is_active")
    list_filter = ("is_active",)
    list_editable = ("is_active",)
    search_fields = ("name", "name_zh", "verb")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rules_changed()
