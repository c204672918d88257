from django.contrib import admin

from fanrepublic.points.admin import ReadOnlyAdmin

from .models import Entrant, FlashSale, Hold, Unit


@admin.register(FlashSale)
class FlashSaleAdmin(ReadOnlyAdmin):
    """Sales are scheduled and closed on the flash-sale console (audited); their units,
    holds and waiting room change only through the services."""

    list_display = ("title", "status", "units", "opens_at", "sold_out_at")
    exclude = ("seed",)


@admin.register(Entrant)
class EntrantAdmin(ReadOnlyAdmin):
    list_display = ("sale", "member", "position", "attempts", "joined_at")
    raw_id_fields = ("member",)


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ("sale", "unit_number", "member", "status", "created_at", "expires_at", "paid_at")
    list_filter = ("status",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("sale", "number", "state", "held_until")
    list_filter = ("state",)
