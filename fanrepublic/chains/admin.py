from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import BoardRule, Chain, Entry


@admin.register(BoardRule)
class BoardRuleAdmin(AuditedModelAdmin):
    """Which boards let members start chains, from which trust level."""

    list_display = ("board", "members_may_start", "min_trust_level")


@admin.register(Chain)
class ChainAdmin(AuditedModelAdmin):
    list_display = ("theme", "status", "entry_count", "pledge_total", "started_by", "created_at")
    list_filter = ("status",)
    search_fields = ("theme", "slug")
    raw_id_fields = ("started_by",)
    # The counters follow the lines (services keep them); lines are moderated on the page.
    readonly_fields = ("slug", "entry_count", "pledge_total", "last_number", "started_by")


@admin.register(Entry)
class EntryAdmin(AuditedModelAdmin):
    list_display = ("chain", "number", "member", "pledge", "created_at", "hidden_at")
    list_filter = ("hidden_at",)
    search_fields = ("member__username", "message")
    raw_id_fields = ("chain", "member")

    def get_readonly_fields(self, request, obj=None):
        # Hiding a line changes its chain's counters: that is the chain page's job.
        return [f.name for f in Entry._meta.fields]

    def has_add_permission(self, request):
        return False
