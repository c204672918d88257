from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import BountyReport, ReportAttachment, ReportMessage, RewardTier


@admin.register(RewardTier)
class RewardTierAdmin(AuditedModelAdmin):
    list_display = ["severity", "product_line", "points"]
    list_filter = ["product_line"]


class ReportMessageInline(admin.TabularInline):
    model = ReportMessage
    extra = 0
    readonly_fields = ["author", "body", "is_internal", "created_at"]
    can_delete = False


@admin.register(BountyReport)
class BountyReportAdmin(AuditedModelAdmin):
    list_display = ["__str__", "product_line", "status", "severity", "is_security", "created_at"]
    list_filter = ["status", "severity", "is_security", "product_line"]
    search_fields = ["title"]
    raw_id_fields = ["reporter", "release", "duplicate_of", "fixed_in", "triaged_by"]
    inlines = [ReportMessageInline]
    # Triage and payment go through the triage page (audited, paid once by the ledger).
    readonly_fields = [
        "status",
        "severity",
        "reward",
        "duplicate_of",
        "disclosed_at",
        "triaged_by",
        "triaged_at",
    ]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(AuditedModelAdmin):
    list_display = ["report", "content_type", "created_at"]
    raw_id_fields = ["report"]


@admin.register(ReportMessage)
class ReportMessageAdmin(AuditedModelAdmin):
    list_display = ["report", "author", "is_internal", "created_at"]
    raw_id_fields = ["report", "author"]
