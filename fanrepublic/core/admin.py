from django.contrib import admin

from .models import AuditEntry
from .signals import mirror_admin_entries


class AuditedDeletions:
    """Deleting several rows at once ("delete selected") logs them with bulk_create,
    which sends no signal; mirror those entries into the audit log here (one row's
    entry is saved normally and reaches core.signals by itself)."""

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        if isinstance(entries, list) and len(entries) > 1:
            mirror_admin_entries(entries)
        return entries


class AuditedModelAdmin(AuditedDeletions, admin.ModelAdmin):
    """The base of every admin class of the project (a test checks it)."""


class ReadOnlyAdmin(AuditedModelAdmin):
    """Rows only the app's services write (with their checks, events and audit): the
    admin shows them and may delete them, never adds or edits one."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedModelAdmin):
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
