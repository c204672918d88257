from django.contrib import admin

from fanrepublic.core.admin import ReadOnlyAdmin

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
class ClvFitAdmin(ReadOnlyAdmin):  # every admin action reaches the audit log
    list_display = ("started_at", "status", "trigger", "engine", "window_end", "customers")
    list_filter = ("status", "engine")


@admin.register(ClvScore)
class ClvScoreAdmin(ReadOnlyAdmin):
    """Figures a fit computed: read here, never edited (a refit makes new ones)."""

    list_display = ("member", "fit", "p_alive", "purchases", "value")
    list_select_related = ("member", "fit")
    raw_id_fields = ("member", "fit")


@admin.register(InteractionEstimate)
class InteractionEstimateAdmin(ReadOnlyAdmin):
    list_display = ("key", "window_end", "computed_at", "treated", "controls")
    list_filter = ("key",)


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "audience", "anonymous", "sent_at")
    list_filter = ("status", "audience")
    search_fields = ("title", "title_zh")


@admin.register(SurveyInvite)
class SurveyInviteAdmin(ReadOnlyAdmin):
    # No answer time here: with an anonymous survey's answers it could tell who said what.
    list_display = ("survey", "member", "sent_at")
    fields = ("survey", "member", "sent_at")

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    raw_id_fields = ("survey", "member")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    """Answers are the members' words: read here, never edited (tags on the survey page)."""

    list_display = ("survey", "score", "was_co_creator")
    fields = (
        "survey",
        "member",
        "score",
        "reason",
        "follow_up_answer",
        "was_co_creator",
        "trust_level",
        "tags",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    list_filter = ("survey",)
    raw_id_fields = ("survey", "member", "service_case")


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("computed_at", "seconds")
