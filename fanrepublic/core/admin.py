from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "target_repr", "reason")
    list_filter = ("action",)
    search_fields = ("target_repr", "reason", "actor__username")
    date_hierarchy = "created_at"

    # The audit log is evidence: it can be read, never edited or deleted.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
