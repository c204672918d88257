from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from fanrepublic.core.api import BodyId, Id, Pages
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.forum.models import Topic
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope
from fanrepublic.products.models import ProductLine

from . import permissions, selectors, services, sources
from .enums import Channel, ItemKind

router = Router(tags=["releases"])


class ItemOut(Schema):
    id: int
    title: str
    title_zh: str
    kind: str
    source: str
    source_label: str
    user_contributed: bool
    topic_id: int | None
    source_type: str = Field(..., description="The registered source the item came from ('' for none).")
    source_id: int | None = Field(..., description="The object's number at that source.")
    contributor: str | None = Field(None, alias="contributor.username")
    outside_url: str

    @staticmethod
    def resolve_source_id(obj, context) -> int | None:
        """The object's number only for whoever may open it (a planner, or a viewer the
        source links it for): a private security report's number is not public."""
        user = context["request"].user
        if permissions.can_plan(user) or getattr(obj, "source_url", ""):
            return obj.source_id
        return None


class ReleaseOut(Schema):
    id: int
    product: str = Field(..., alias="product_line.slug")
    channel: str
    version: str
    status: str
    planned_for: date
    freeze_at: datetime
    published_at: datetime | None
    notes: str
    notes_zh: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj, context) -> list:
        items = list(obj.items.all())
        sources.link_items(items, viewer=context["request"].user)
        return items


class ReleaseFilters(Schema):
    product: str = Field("", max_length=50)
    channel: str = Field("", max_length=20)


class ReleaseIn(Schema):
    product: str = Field(..., max_length=50)
    version: str = Field(..., max_length=40)
    channel: str = Field(Channel.STABLE, max_length=20)
    planned_for: date | None = None
    notes: str = Field("", max_length=2000)
    notes_zh: str = Field("", max_length=2000)


class ItemIn(Schema):
    source: str = Field(
        ...,
        max_length=40,
        description="suggestion, bug_report, outside, internal, or the key of a registered source "
        "(GET /releases/sources).",
    )
    kind: str = Field(ItemKind.FEATURE, max_length=20)
    title: str = Field("", max_length=200)
    title_zh: str = Field("", max_length=200)
    topic_id: BodyId | None = Field(None, description="For a suggestion or bug report.")
    source_id: BodyId | None = Field(None, description="For a registered source: the object's number there.")
    contributor: str = Field("", max_length=150, description="Username, for sources without a topic.")
    outside_url: str = Field("", max_length=200)


class SourceOut(Schema):
    key: str
    label: str
    user_contributed: bool
    linked: bool = Field(..., description="Whether an item names its object by `source_id`.")


class MetricsOut(Schema):
    user_share: float | None
    lead_days_median: float | None
    lead_days_p90: float | None
    shipped_suggestions: int
    answered_within_7_days: float | None
    judged_suggestions: int
    releases: list[dict]


def _product(slug: str) -> ProductLine:
    line = ProductLine.objects.filter(slug=slug, is_active=True).first()
    if line is None:
        raise ValidationFailed(_("Unknown product."), field="product")
    return line


@router.get("", response=list[ReleaseOut], auth=PUBLIC)
@paginate(Pages, page_size=20)
def list_releases(request, filters: Query[ReleaseFilters]):
    """Published releases, newest first."""
    line = _product(filters.product) if filters.product else None
    return selectors.published_releases(product_line=line, channel=filters.channel)


@router.get("/metrics", response=MetricsOut, auth=PUBLIC)
def metrics(request, product: str = Query("", max_length=50)):
    """User-contributed share, idea-to-ship lead time and 7-day answer rate, last 12 weeks."""
    m = selectors.release_metrics(product_line=_product(product) if product else None)
    return {
        "user_share": m.user_share,
        "lead_days_median": m.lead_days_median,
        "lead_days_p90": m.lead_days_p90,
        "shipped_suggestions": m.shipped_suggestions,
        "answered_within_7_days": m.answered_within_target,
        "judged_suggestions": m.answerable_suggestions,
        "releases": [
            {
                "id": row["release"].pk,
                "product": row["release"].product_line.slug,
                "version": row["release"].version,
                "published_at": row["release"].published_at.isoformat(),
                "items": row["total"],
                "user_contributed": row["user"],
            }
            for row in m.releases
        ],
    }


@router.get("/sources", response=list[SourceOut], auth=PUBLIC)
def list_sources(request):
    """Where a change can come from: the release train's own sources and every source
    another app registers (`source` when adding an item), labels in the reader's language."""
    registered = {source.key: source for source in sources.all_sources()}
    return [
        {
            "key": key,
            "label": str(label),
            "user_contributed": registered[key].user_contributed if key in registered else key != "internal",
            "linked": key in registered,
        }
        for key, label in sources.source_choices()
    ]


@router.get("/{release_id}", response=ReleaseOut, auth=PUBLIC)
def get_release(request, release_id: Id):
    """A published release; staff also see planned ones."""
    release = selectors.release_get(pk=release_id)
    if not release.is_published and not permissions.can_plan(request.user):
        raise NotFound()
    return release


def _planner(request):
    actor = require_scope(request)
    if not permissions.can_plan(actor):
        raise NotFound()
    return actor


@router.post("", response={201: ReleaseOut}, auth=MEMBER)
def create_release(request, payload: ReleaseIn):
    """Staff: plan a release (default date: the product's next release day)."""
    actor = _planner(request)
    release = services.release_create(
        actor=actor,
        product_line=_product(payload.product),
        version=payload.version,
        channel=payload.channel,
        planned_for=payload.planned_for,
        notes=payload.notes,
        notes_zh=payload.notes_zh,
    )
    return Status(201, selectors.release_get(pk=release.pk))


@router.post("/{release_id}/items", response={201: ItemOut}, auth=MEMBER)
def add_item(request, release_id: Id, payload: ItemIn):
    """Staff: add a change, linked to the topic or member it came from, before the freeze."""
    actor = _planner(request)
    release = selectors.release_get(pk=release_id)
    topic = None
    if payload.topic_id is not None:
        topic = Topic.objects.filter(pk=payload.topic_id).first()
        if topic is None:
            raise ValidationFailed(_("There is no topic with that number."), field="topic_id")
    contributor = None
    if payload.contributor:
        contributor = get_user_model().objects.filter(username=payload.contributor, is_active=True).first()
        if contributor is None:
            raise ValidationFailed(_("There is no member with that name."), field="contributor")
    item = services.release_item_add(
        actor=actor,
        release=release,
        source=payload.source,
        kind=payload.kind,
        title=payload.title,
        title_zh=payload.title_zh,
        topic=topic,
        contributor=contributor,
        outside_url=payload.outside_url,
        source_id=payload.source_id,
    )
    return Status(201, item)


@router.delete("/{release_id}/items/{item_id}", response={204: None}, auth=MEMBER)
def remove_item(request, release_id: Id, item_id: Id):
    actor = _planner(request)
    item = selectors.release_get(pk=release_id).items.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    services.release_item_remove(actor=actor, item=item)
    return Status(204, None)


@router.post("/{release_id}/publish", response=ReleaseOut, auth=MEMBER)
def publish(request, release_id: Id):
    """Staff: publish; linked topics ship, contributors are credited once."""
    actor = _planner(request)
    services.release_publish(actor=actor, release=selectors.release_get(pk=release_id))
    return selectors.release_get(pk=release_id)
