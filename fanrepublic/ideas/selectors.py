"""Reads for the idea marketplace, limited to what the viewer may see."""

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Round

from fanrepublic.bounty.similarity import similar, words
from fanrepublic.core.errors import NotFound
from fanrepublic.points.enums import Currency
from fanrepublic.stores.enums import OrderKind
from fanrepublic.stores.models import OrderLine

from . import permissions
from .enums import ProposalStatus
from .models import (
    Adoption,
    AdoptionSku,
    AgreementText,
    Comment,
    Proposal,
    ProposalRevision,
    Review,
    ReviewRound,
    RoyaltyStatement,
    Support,
)

SORTS = {
    "support": ("-support_count", "-created_at"),
    "new": ("-created_at", "-pk"),
    "ending": ("expires_at", "pk"),
}
SIMILAR_POOL = 2000


def proposals_visible(*, viewer) -> QuerySet[Proposal]:
    found = Proposal.objects.select_related("author", "product_line")
    if permissions.is_product_staff(viewer):
        return found
    if viewer is not None and viewer.is_authenticated:
        return found.filter(~Q(status=ProposalStatus.WITHDRAWN) | Q(author_id=viewer.pk))
    return found.exclude(status=ProposalStatus.WITHDRAWN)


def proposals_list(
    *, viewer, status: str = "", product_line=None, query: str = "", sort: str = "support"
) -> QuerySet[Proposal]:
    found = proposals_visible(viewer=viewer).prefetch_related("images")
    # Withdrawn ideas only when asked for (their authors' and the staff's).
    found = found.filter(status=status) if status else found.exclude(status=ProposalStatus.WITHDRAWN)
    if product_line is not None:
        found = found.filter(product_line=product_line)
    query = " ".join(query.split())[:100]
    for word in query.split(" ") if query else []:
        found = found.filter(
            Q(title__icontains=word) | Q(title_translated__icontains=word) | Q(pitch__icontains=word)
        )
    if viewer is not None and viewer.is_authenticated:
        found = found.annotate(
            supported=Exists(Support.objects.filter(proposal=OuterRef("pk"), member_id=viewer.pk))
        )
    return found.order_by(*SORTS.get(sort, SORTS["support"]))


def proposal_get(*, viewer, pk: int) -> Proposal:
    proposal = proposals_visible(viewer=viewer).filter(pk=pk).first()
    if proposal is None:
        raise NotFound()
    return proposal


def has_supported(*, member, proposal) -> bool:
    if not (member and member.is_authenticated):
        return False
    return Support.objects.filter(proposal=proposal, member_id=member.pk).exists()


def comments_of(*, viewer, proposal) -> QuerySet[Comment]:
    found = proposal.comments.select_related("author")
    if not permissions.is_product_staff(viewer):
        found = found.filter(is_hidden=False)
    return found


def revisions_of(*, proposal) -> QuerySet[ProposalRevision]:
    return proposal.revisions.select_related("edited_by")


def reviews_of(*, proposal) -> QuerySet[Review]:
    """Reviews are public with the decision: the author and supporters see why."""
    return proposal.reviews.select_related("reviewer", "review_round").order_by("created_at", "pk")


def similar_proposals(*, viewer, text: str, exclude: int | None = None) -> list[tuple[Proposal, float]]:
    """While a member writes: the open or decided ideas that read alike, in either
    language (the bounty's duplicate finder: jieba words, RapidFuzz token-set ratio)."""
    text = " ".join(text.split())[:2000]
    if len(text) < 4:
        return []
    pool = (
        proposals_visible(viewer=viewer)
        .exclude(status__in=[ProposalStatus.WITHDRAWN])
        .order_by("-support_count", "-pk")
        .values_list("pk", "title", "title_translated", "pitch")[:SIMILAR_POOL]
    )
    candidates = {
        pk: words(title, translated, pitch[:300]) for pk, title, translated, pitch in pool if pk != exclude
    }
    found = similar(words(text), candidates)
    by_pk = proposals_visible(viewer=viewer).in_bulk([pk for pk, _score in found])
    return [(by_pk[pk], score) for pk, score in found if pk in by_pk]


def review_queue(*, viewer) -> QuerySet[Proposal]:
    """Ideas in a review round that `viewer` may review: all for staff, their product
    lines' for committee members."""
    if not permissions.can_review_any(viewer):
        raise NotFound()
    found = (
        proposals_visible(viewer=viewer)
        .filter(status=ProposalStatus.IN_REVIEW, review_round__isnull=False)
        .select_related("review_round")
    )
    if not permissions.reviews_as_staff(viewer):
        found = found.filter(product_line_id__in=permissions.committee_line_ids(viewer))
    return found.order_by("review_round__cutoff", "-support_count")


def waiting_for_round(*, viewer) -> QuerySet[Proposal]:
    return proposals_visible(viewer=viewer).filter(status=ProposalStatus.IN_REVIEW, review_round__isnull=True)


def rounds(*, viewer) -> QuerySet[ReviewRound]:
    return ReviewRound.objects.all()


def supported_by(*, member) -> QuerySet[Proposal]:
    return (
        proposals_visible(viewer=member)
        .filter(supports__member_id=member.pk)
        .order_by("-supports__created_at")
    )


def proposed_by(*, viewer, author) -> QuerySet[Proposal]:
    return proposals_visible(viewer=viewer).filter(author=author)


def support_threshold() -> int:
    return settings.IDEAS_SUPPORT_THRESHOLD


def adoption_of(*, viewer, proposal) -> Adoption | None:
    """The adoption of an idea: its product for everyone; its terms for its author and
    product staff (the page decides what to show from `may_read_terms`)."""
    return Adoption.objects.filter(proposal=proposal).select_related("agreement").first()


def may_read_terms(viewer, adoption) -> bool:
    return bool(
        adoption
        and viewer is not None
        and viewer.is_authenticated
        and (viewer.pk == adoption.proposal.author_id or permissions.is_product_staff(viewer))
    )


def royalties_of(*, viewer, proposal) -> tuple[Adoption, QuerySet[RoyaltyStatement]]:
    """An adoption's statements, newest first: its author's and product staff's only."""
    adoption = adoption_of(viewer=viewer, proposal=proposal)
    if not may_read_terms(viewer, adoption):
        raise NotFound()
    return adoption, adoption.statements.order_by("-period")


def statement_lines(statement: RoyaltyStatement) -> QuerySet[OrderLine]:
    """The sales and refund lines a statement counted, by the rule the statement was
    summed by (services._MONTH_SQL, royalties.py rule 1), read back from the orders: a
    line is the statement's when its cut-off and month cover it and the previous
    statement's did not. Each line carries `is_refund`, `order_number`, `occurred_at`,
    `unit_price_fen` and `amount_fen` (negative for a refund)."""
    adoption = statement.adoption
    skus = AdoptionSku.objects.filter(adoption=adoption).values("sku")
    previous = (
        RoyaltyStatement.objects.filter(adoption=adoption, period__lt=statement.period)
        .order_by("-period")
        .first()
    )
    is_refund = Q(order__kind=OrderKind.REFUND)
    lines = OrderLine.objects.filter(
        Q(order__kind=OrderKind.SALE, sku__in=skus, order__occurred_at__gte=adoption.accepted_at)
        | Q(
            is_refund, refunds_line__sku__in=skus, refunds_line__order__occurred_at__gte=adoption.accepted_at
        ),
        order__currency=Currency.CNY,
        pk__lte=statement.lines_through,
        order__occurred_at__lt=statement.counted_until,
    )
    if previous is not None:
        lines = lines.exclude(pk__lte=previous.lines_through, order__occurred_at__lt=previous.counted_until)
    unit_fen = Cast(Round(F("unit_price") * 100), BigIntegerField())
    return lines.annotate(
        is_refund=Case(When(is_refund, then=Value(True)), default=Value(False), output_field=BooleanField()),
        order_number=F("order__external_id"),
        occurred_at=F("order__occurred_at"),
        unit_price_fen=unit_fen,
        amount_fen=Case(
            When(is_refund, then=-unit_fen * F("quantity")),
            default=unit_fen * F("quantity"),
            output_field=BigIntegerField(),
        ),
    ).order_by("order__occurred_at", "pk")


def agreements() -> QuerySet[AgreementText]:
    return AgreementText.objects.select_related("created_by")


def current_agreement() -> AgreementText | None:
    return AgreementText.objects.order_by("-version").first()
