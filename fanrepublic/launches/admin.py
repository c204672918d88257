from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin, FixedAfterDraftInline

from .enums import QuestionStatus
from .models import Attendance, Avatar, LaunchEvent, LiveBallot, LiveOption, LiveQuestion, ScheduleItem


class ScheduleInline(admin.TabularInline):
    model = ScheduleItem
    extra = 0


class QuestionInline(admin.TabularInline):
    model = LiveQuestion
    extra = 0
    fields = ["position", "prompt", "prompt_zh", "status"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(LaunchEvent)
class LaunchEventAdmin(AuditedModelAdmin):
    list_display = ["title", "status", "starts_at", "host"]
    list_filter = ["status"]
    search_fields = ["title", "title_zh", "slug"]
    raw_id_fields = ["host", "created_by"]
    # Starting and ending go through the host console (audited, pushed to the hall).
    readonly_fields = ["status"]
    inlines = [ScheduleInline, QuestionInline]


class OptionInline(FixedAfterDraftInline):
    """Options are fixed once the question is asked: ballots refer to them."""

    model = LiveOption


@admin.register(LiveQuestion)
class LiveQuestionAdmin(AuditedModelAdmin):
    list_display = ["prompt", "event", "status", "opened_at", "closed_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "opened_at", "closed_at", "result"]
    inlines = [OptionInline]


@admin.register(LiveBallot)
class LiveBallotAdmin(AuditedModelAdmin):
    """Read-only: nobody on the staff edits or deletes an answer."""

    list_display = ["question", "option", "member", "cast_at"]
    raw_id_fields = ["question", "option", "member"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(AuditedModelAdmin):
    list_display = ["event", "member", "joined_at"]
    raw_id_fields = ["event", "member"]


@admin.register(Avatar)
class AvatarAdmin(AuditedModelAdmin):
    list_display = ["member", "hue", "shape", "eyes", "accessory"]
    raw_id_fields = ["member"]


@admin.register(ScheduleItem)
class ScheduleItemAdmin(AuditedModelAdmin):
    list_display = ["title", "event", "starts_at"]
    raw_id_fields = ["event"]


@admin.register(LiveOption)
class LiveOptionAdmin(AuditedModelAdmin):
    """Read-only once asked (edit drafts from the question's page)."""

    list_display = ["label", "question"]
    raw_id_fields = ["question"]

    def has_change_permission(self, request, obj=None):
        draft = obj is None or obj.question.status == QuestionStatus.DRAFT
        return draft and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        draft = obj is None or obj.question.status == QuestionStatus.DRAFT
        return draft and super().has_delete_permission(request, obj)
