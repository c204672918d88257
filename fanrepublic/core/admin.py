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


class FixedAfterDraftInline(admin.TabularInline):
    """Children (a vote's or a question's options) that ballots refer to: editable while
    the parent is a draft, fixed once it is put to members."""

    extra = 0

    def _draft(self, obj):
        return obj is None or obj.status == "draft"

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)
