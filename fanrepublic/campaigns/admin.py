from django.contrib import admin

from fanrepublic.points.admin import ReadOnlyAdmin

from .models import Backing, Campaign, CampaignUpdate


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    """Campaigns are made, opened, settled and called off on the campaign console, where
    the rules (money fields fixed once open) and the audit apply; the admin shows them."""

    list_display = ("title", "status", "backer_count", "units_held", "deposits_held_fen", "closes_at")
    list_filter = ("status",)
    search_fields = ("title", "title_zh", "slug")


@admin.register(Backing)
class BackingAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "member", "units", "deposit_fen", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("member__username", "payment__reference")


@admin.register(CampaignUpdate)
class CampaignUpdateAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "title", "posted_by", "created_at")
