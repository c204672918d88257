from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import Release, ReleaseCadence, ReleaseItem


@admin.register(ReleaseCadence)
class ReleaseCadenceAdmin(AuditedModelAdmin):
    list_display = ["product_line", "weekday", "publish_hour", "freeze_hours"]


class ReleaseItemInline(admin.TabularInline):
    model = ReleaseItem
    extra = 0
    raw_id_fields = ["topic", "contributor", "added_by"]


@admin.register(Release)
class ReleaseAdmin(AuditedModelAdmin):
    list_display = ["__str__", "channel", "planned_for", "status", "published_at"]
    list_filter = ["status", "channel", "product_line"]
    search_fields = ["version"]
    raw_id_fields = ["created_by", "published_by"]
    inlines = [ReleaseItemInline]
    # Publishing has consequences (topics shipped, points paid): it happens on the
    # release workbench, through the service, never by editing the status here.
    readonly_fields = ["status", "published_at", "published_by"]


@admin.register(ReleaseItem)
class ReleaseItemAdmin(AuditedModelAdmin):
    # `source` offers the built-in sources and every registered one (releases.sources);
    # `source_type` + `source_id` name the object of a registered source.
    list_display = ["title", "release", "source", "source_type", "source_id", "user_contributed"]
    list_filter = ["source", "user_contributed"]
    search_fields = ["title", "title_zh"]
    raw_id_fields = ["release", "topic", "contributor", "added_by"]
