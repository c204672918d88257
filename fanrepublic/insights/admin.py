from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import ClvFit, ClvScore


@admin.register(ClvFit)
class ClvFitAdmin(AuditedModelAdmin):  # every admin action reaches the audit log
    list_display = ("started_at", "status", "trigger", "engine", "window_end", "customers")
    list_filter = ("status", "engine")
    readonly_fields = [field.name for field in ClvFit._meta.fields]


@admin.register(ClvScore)
class ClvScoreAdmin(AuditedModelAdmin):
    """Figures a fit computed: read here, never edited (a refit makes new ones)."""

    list_display = ("member", "fit", "p_alive", "purchases", "value")
    list_select_related = ("member", "fit")
    raw_id_fields = ("member", "fit")
    readonly_fields = [field.name for field in ClvScore._meta.fields]
