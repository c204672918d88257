from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin, FixedAfterDraftInline

from .enums import VoteStatus
from .models import Ballot, Vote, VoteOption


class OptionInline(FixedAfterDraftInline):
    """Options are fixed once a vote leaves the draft: ballots refer to them."""

    model = VoteOption


@admin.register(Vote)
class VoteAdmin(AuditedModelAdmin):
    list_display = ["question", "method", "status", "opens_at", "closes_at", "binding", "secret"]
    list_filter = ["status", "method", "binding"]
    inlines = [OptionInline]
    raw_id_fields = ["created_by"]
    # Opening, closing, counting and publishing go through the services (audited).
    readonly_fields = ["status", "digest", "result", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        fixed = list(self.readonly_fields)
        if obj is not None and obj.status != VoteStatus.DRAFT:
            # What voters were promised stays as it was when the vote opened.
            fixed += [
                "method",
                "seats",
                "required_badges",
                "min_trust_level",
                "owners_only",
                "owners_verified_only",
                "product_line",
                "secret",
            ]
        return fixed


@admin.register(VoteOption)
class VoteOptionAdmin(AuditedModelAdmin):
    list_display = ["label", "vote"]


@admin.register(Ballot)
class BallotAdmin(AuditedModelAdmin):
    """Ballots are evidence: nobody edits or deletes one, not even a superuser (the
    database refuses too)."""

    list_display = ["receipt", "vote", "cast_at", "changes"]
    list_filter = ["vote"]
    fields = ["vote", "receipt", "choice", "abstain", "cast_at", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
