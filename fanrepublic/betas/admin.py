from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import (
    Application,
    ApplicationQuestion,
    BetaProgramme,
    Entitlement,
    TestPlan,
    TestReport,
    TestReportAttachment,
    TestTask,
)


class QuestionInline(admin.TabularInline):
    model = ApplicationQuestion
    extra = 0


@admin.register(BetaProgramme)
class BetaProgrammeAdmin(AuditedModelAdmin):
    list_display = ["name", "product_line", "status", "capacity", "applications_close_at"]
    list_filter = ["status", "product_line"]
    inlines = [QuestionInline]
    raw_id_fields = ["created_by"]
    # Opening (which publishes the seed), selection and finishing run through the
    # services on the manage page, audited.
    readonly_fields = ["status", "seed", "seed_published_at", "selected_at"]


@admin.register(Application)
class ApplicationAdmin(AuditedModelAdmin):
    list_display = ["member", "programme", "status", "selected_by", "nda_accepted_at"]
    list_filter = ["status", "programme"]
    raw_id_fields = ["member"]
    readonly_fields = ["status", "selected_by", "ticket", "rank_score", "nda_accepted_at", "completed_at"]


@admin.register(ApplicationQuestion)
class ApplicationQuestionAdmin(AuditedModelAdmin):
    list_display = ["prompt", "programme", "kind", "required"]


class TaskInline(admin.TabularInline):
    model = TestTask
    extra = 0


@admin.register(TestPlan)
class TestPlanAdmin(AuditedModelAdmin):
    list_display = ["title", "programme"]
    inlines = [TaskInline]


@admin.register(TestTask)
class TestTaskAdmin(AuditedModelAdmin):
    list_display = ["title", "plan"]


@admin.register(TestReport)
class TestReportAdmin(AuditedModelAdmin):
    list_display = ["title", "programme", "tester", "status", "created_at"]
    list_filter = ["status", "programme"]
    raw_id_fields = ["tester", "reviewed_by", "task"]
    readonly_fields = ["status", "reviewed_by", "reviewed_at"]


@admin.register(TestReportAttachment)
class TestReportAttachmentAdmin(AuditedModelAdmin):
    list_display = ["report", "content_type"]
    raw_id_fields = ["report"]


@admin.register(Entitlement)
class EntitlementAdmin(AuditedModelAdmin):
    list_display = ["name", "member", "programme", "granted_at"]
    raw_id_fields = ["member"]
