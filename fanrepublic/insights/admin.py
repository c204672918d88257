from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import (
    ClvFit,
    ClvScore,
    DashboardSnapshot,
    InteractionEstimate,
    Survey,
    SurveyInvite,
    SurveyResponse,
)


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


@admin.register(InteractionEstimate)
class InteractionEstimateAdmin(AuditedModelAdmin):
    list_display = ("key", "window_end", "computed_at", "treated", "controls")
    list_filter = ("key",)
    readonly_fields = [field.name for field in InteractionEstimate._meta.fields]


@admin.register(Survey)
class SurveyAdmin(AuditedModelAdmin):
    list_display = ("title", "status", "audience", "anonymous", "sent_at")
    list_filter = ("status", "audience")
    search_fields = ("title", "title_zh")


@admin.register(SurveyInvite)
class SurveyInviteAdmin(AuditedModelAdmin):
    list_display = ("survey", "member", "sent_at", "answered_at")
    raw_id_fields = ("survey", "member")
    readonly_fields = [field.name for field in SurveyInvite._meta.fields]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(AuditedModelAdmin):
    """Answers are the members' words: read here, never edited (tags on the survey page)."""

    list_display = ("survey", "score", "was_co_creator", "created_at")
    list_filter = ("survey",)
    raw_id_fields = ("survey", "member", "service_case")
    readonly_fields = [field.name for field in SurveyResponse._meta.fields]


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(AuditedModelAdmin):
    list_display = ("computed_at", "seconds")
    readonly_fields = [field.name for field in DashboardSnapshot._meta.fields]
