from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "verb", "actor_id", "owner_id", "object_type", "object_id", "channel")
    list_filter = ("channel", "verb")
    search_fields = ("verb", "idempotency_key", "object_id")
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    # The event log is append-only; the admin reads it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
