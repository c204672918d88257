from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.admin import AuditedDeletions, AuditedModelAdmin

from .models import ApiToken, MemberStats, ReputationEntry, User, VerifiedOwnership


@admin.register(User)
class UserAdmin(AuditedDeletions, DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "email",
        "trust_level",
        "reputation",
        "is_staff",
        "date_joined",
    )
    list_filter = ("trust_level", "groups", "is_staff", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "avatar", "bio", "language", "products_owned")}),
        (
            _("Standing"),
            {
                "fields": (
                    "trust_level",
                    "trust_level_locked",
                    "reputation",
                    "daily_reply_target",
                    "suspended_until",
                    "suspension_reason",
                )
            },
        ),
    )
    readonly_fields = ("reputation",)
    filter_horizontal = ("groups", "user_permissions", "products_owned")


@admin.register(MemberStats)
class MemberStatsAdmin(AuditedModelAdmin):
    list_display = (
        "member",
        "days_visited",
        "topics_read",
        "topics_created",
        "replies_created",
        "likes_received",
        "suggestions_accepted",
        "computed_at",
    )
    raw_id_fields = ("member",)

    def has_change_permission(self, request, obj=None):
        return False  # computed from the event log


@admin.register(ReputationEntry)
class ReputationEntryAdmin(AuditedModelAdmin):
    list_display = ("member", "delta", "reason", "source", "created_at")
    raw_id_fields = ("member",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("name", "owner", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    raw_id_fields = ("owner",)
    readonly_fields = ("prefix", "key_hash")


@admin.register(VerifiedOwnership)
class VerifiedOwnershipAdmin(AuditedModelAdmin):
    """Evidence is added and withdrawn through members.services (a store's import, a
    serial registration), which also keep the member's list and the event log in step:
    here it is only read."""

    list_display = ("member", "product_line", "source", "reference", "verified_at")
    list_filter = ("source", "product_line")
    search_fields = ("member__username", "reference")
    raw_id_fields = ("member",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
