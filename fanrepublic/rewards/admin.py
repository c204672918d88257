from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import Order, Reward


@admin.register(Reward)
class RewardAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "name_zh",
        "kind",
        "price_points",
        "stock",
        "per_member_limit",
        "min_trust_level",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_zh")


@admin.register(Order)
class OrderAdmin(AuditedModelAdmin):
    """Orders change through the store's services (stock and points move together);
    the admin shows them."""

    list_display = ("pk", "reward", "member", "quantity", "points_total", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("member__username", "reward__name")
    readonly_fields = [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
