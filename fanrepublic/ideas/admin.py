from django.contrib import admin

from fanrepublic.core.admin import ReadOnlyAdmin

from .models import (
    Adoption,
    AdoptionSku,
    AgreementText,
    Comment,
    Proposal,
    ProposalImage,
    ProposalRevision,
    Review,
    ReviewRound,
    RoyaltyStatement,
    Support,
)

# Every row is written by the app's services (with their checks, events, notifications
# and audit): the admin shows them and may delete them, never adds or edits one.


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "author", "product_line", "status", "support_count", "created_at")
    list_filter = ("status", "product_line")
    search_fields = ("title", "title_translated", "author__username")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "cutoff", "decide_by", "status")


@admin.register(RoyaltyStatement)
class RoyaltyStatementAdmin(ReadOnlyAdmin):
    list_display = ("adoption", "period", "sales_fen", "refunds_fen", "payable_fen", "credited_fen")


for model in (
    ProposalImage,
    ProposalRevision,
    Support,
    Review,
    Comment,
    AgreementText,
    Adoption,
    AdoptionSku,
):
    admin.site.register(model, ReadOnlyAdmin)
