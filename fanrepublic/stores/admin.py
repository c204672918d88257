from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import (
    Contact,
    LinkCode,
    Order,
    OrderLine,
    SalesSource,
    SerialRegistration,
    Store,
    StoreCustomer,
    Visit,
)


@admin.register(Store)
class StoreAdmin(AuditedModelAdmin):
    list_display = ("name", "city", "manager", "is_active")
    list_filter = ("is_active", "city")
    search_fields = ("name", "name_zh", "city", "slug")
    filter_horizontal = ("staff",)
    readonly_fields = ("checkin_key",)


@admin.register(SalesSource)
class SalesSourceAdmin(AuditedModelAdmin):
    """Which stores a point of sale reports for, and whether it may name members (only
    a shop where members sign in). Operators connect integrations here."""

    list_display = ("integration", "all_stores", "sells_online", "names_members")
    list_filter = ("all_stores", "sells_online", "names_members")
    filter_horizontal = ("stores",)


@admin.register(Contact)
class ContactAdmin(AuditedModelAdmin):
    list_display = ("pk", "name", "masked_phone", "member", "origin", "created_at")
    list_filter = ("origin",)
    search_fields = ("name", "member__username")
    raw_id_fields = ("member", "created_by")
    # Linking and unlinking go through the desk (consent, audit, ownership follow-up).
    readonly_fields = ("member", "linked_at")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fk_name = "order"
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderLine._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(AuditedModelAdmin):
    """Purchases are the source system's: read here, corrected by a refund at the source."""

    list_display = ("external_id", "integration", "kind", "store", "occurred_at", "total", "currency")
    list_filter = ("kind", "channel", "integration", "currency")
    search_fields = ("external_id",)
    date_hierarchy = "occurred_at"
    inlines = [OrderLineInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(AuditedModelAdmin):
    list_display = ("store", "contact", "member", "source", "visited_at")
    list_filter = ("source", "store")
    raw_id_fields = ("contact", "member", "recorded_by")


@admin.register(SerialRegistration)
class SerialRegistrationAdmin(AuditedModelAdmin):
    list_display = ("serial_number", "member", "registered_at")
    search_fields = ("serial_number",)
    raw_id_fields = ("member", "order_line")


@admin.register(StoreCustomer)
class StoreCustomerAdmin(ReadOnlyAdmin):
    list_display = ("store", "contact", "added_by", "added_at")
    list_filter = ("store",)


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdmin):
    list_display = ("order", "position", "sku", "product_line", "quantity", "unit_price")
    search_fields = ("sku", "serial_number", "order__external_id")


@admin.register(LinkCode)
class LinkCodeAdmin(ReadOnlyAdmin):
    """Only hashes are stored: the admin shows who asked for a code and whether it was used."""

    list_display = ("member", "created_at", "expires_at", "used_at")
    exclude = ("code_hash",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "code_hash"]
