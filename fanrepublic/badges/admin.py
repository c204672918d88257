from django.contrib import admin
from django.core.exceptions import ValidationError

from fanrepublic.core.admin import AuditedModelAdmin
from fanrepublic.core.errors import ValidationFailed

from .criteria import criteria_validate
from .models import Badge, MemberBadge, Perk, PerkClaim, PerkTransfer


class BadgeForm(admin.ModelAdmin.form):
    def clean_criteria(self):
        criteria = self.cleaned_data.get("criteria") or {}
        try:
            criteria_validate(criteria)
        except ValidationFailed as exc:
            raise ValidationError(str(exc.message)) from None
        return criteria


@admin.register(Badge)
class BadgeAdmin(AuditedModelAdmin):
    form = BadgeForm
    list_display = ("name", "name_zh", "tier", "criteria", "is_visible")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(MemberBadge)
class MemberBadgeAdmin(AuditedModelAdmin):
    list_display = ("badge", "member", "granted_at", "granted_by", "reason")
    raw_id_fields = ("member", "granted_by")
    list_filter = ("badge",)

    def has_add_permission(self, request):
        return False  # grants go through badges.services.badge_grant (audited), from the member page


@admin.register(Perk)
class PerkAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "name_zh",
        "happens_at",
        "price_points",
        "quantity",
        "remaining",
        "transferable",
        "is_active",
    )
    filter_horizontal = ("required_badges",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PerkClaim)
class PerkClaimAdmin(AuditedModelAdmin):
    list_display = ("perk", "holder", "claimed_by", "created_at")
    readonly_fields = ("perk", "holder", "claimed_by", "debit", "created_at")

    def has_add_permission(self, request):
        return False  # places are claimed and handed on through badges.perks (audited)


@admin.register(PerkTransfer)
class PerkTransferAdmin(AuditedModelAdmin):
    list_display = ("claim", "from_member", "to_member", "note", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
