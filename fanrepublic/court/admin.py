"""The court's rows change only through its services (deadlines, the draw's rule, the
audit log): the admin shows them, never adds, edits or deletes one, and never shows a
draw's seed before it is revealed nor the key of its pseudonyms."""

from django.contrib import admin

from fanrepublic.points.admin import ReadOnlyAdmin

from .models import Case, CourtPolicy, Juror, JuryDraw


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "claimant", "status", "filed_at")
    list_filter = ("status",)
    search_fields = ("number", "title")
    fields = (
        "number",
        "claimant",
        "title",
        "account",
        "remedy_sought",
        "product_line",
        "order",
        "status",
        "clerk",
        "ground",
        "decision_reason",
        "filed_at",
        "admitted_at",
    )


@admin.register(JuryDraw)
class JuryDrawAdmin(ReadOnlyAdmin):
    list_display = ("case", "round", "committed_at", "drawn_at", "fans_in_pool", "legal_in_pool")
    fields = (
        "case",
        "round",
        "commitment",
        "committed_at",
        "revealed_seed",
        "fans_wanted",
        "legal_wanted",
        "drawn_at",
        "drawn_by",
        "pool_digest",
        "fans_in_pool",
        "legal_in_pool",
        "rules",
    )
    readonly_fields = fields


@admin.register(Juror)
class JurorAdmin(ReadOnlyAdmin):
    list_display = ("draw", "kind", "position", "pseudonym", "member", "state", "answer_by")
    list_filter = ("kind", "state")


@admin.register(CourtPolicy)
class CourtPolicyAdmin(ReadOnlyAdmin):
    list_display = (
        "version",
        "min_trust_level",
        "min_tenure_days",
        "jury_fans",
        "jury_legal",
        "created_by",
        "created_at",
    )
