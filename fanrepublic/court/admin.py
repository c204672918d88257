"""The court's rows change only through its services (deadlines, the draw's rule, the
audit log): the admin shows them, never adds, edits or deletes one, and never shows a
draw's seed before it is revealed nor the key of its pseudonyms. Evidence files and
the jury room are not listed here: they are read on the case's pages, by who may."""

from django.contrib import admin

from fanrepublic.points.admin import ReadOnlyAdmin

from .models import (
    Ballot,
    Case,
    Citation,
    CourtPolicy,
    Evidence,
    Juror,
    JuryDraw,
    Message,
    Obligation,
    Question,
    Remedy,
    Ruling,
    Settlement,
    Verdict,
)


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
        "respond_by",
        "respondent",
        "responded_at",
        "response",
        "deliberate_by",
        "outcome",
        "decided_at",
        "accept_by",
        "final_at",
        "closed_at",
        "appealed_at",
        "appealed_by",
        "appeal_reason",
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


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("case", "side", "name", "content_type", "size", "uploaded_at")
    list_filter = ("side",)
    # The file itself is served only by the case's page (court.views.evidence_file).
    fields = (
        "case",
        "side",
        "uploaded_by",
        "name",
        "caption",
        "content_type",
        "size",
        "sha256",
        "uploaded_at",
    )


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("case", "to", "state", "asked_at", "answer_by", "answered_at")
    list_filter = ("state", "to")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("case", "created_at")
    # Deliberation is the jury's: the admin counts messages, it does not show them.
    fields = ("case", "created_at")


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ("case", "round", "version", "outcome", "state", "approvals", "rejections", "seated")
    list_filter = ("state", "outcome")


@admin.register(Remedy)
class RemedyAdmin(ReadOnlyAdmin):
    list_display = ("verdict", "kind", "amount", "description")


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    # Secret: the admin shows how many ballots a draft has (on the verdict), not these.
    list_display = ("verdict",)
    fields = ("verdict",)


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "amount", "owner", "due_at", "state", "executed_at", "escalated_at")
    list_filter = ("state", "kind")


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("case", "side", "state", "proposed_at", "answered_at")
    list_filter = ("state", "side")


@admin.register(Ruling)
class RulingAdmin(ReadOnlyAdmin):
    list_display = ("case", "title", "outcome", "state", "published_at")
    list_filter = ("state", "outcome")
    search_fields = ("case__number", "title")
    exclude = ("search_document",)


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    list_display = ("case", "ruling", "cited_at")
