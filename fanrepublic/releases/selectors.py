import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from fanrepublic.core.errors import NotFound
from fanrepublic.core.stats import percentile
from fanrepublic.forum.enums import TRACKED_KINDS, TopicKind, TopicStatus
from fanrepublic.forum.models import Topic

from . import sources
from .enums import ItemSource, ReleaseStatus
from .models import Release, ReleaseItem

ANSWER_TARGET_DAYS = 7


def _with_items(releases: QuerySet[Release]) -> QuerySet[Release]:
    return releases.select_related("product_line").prefetch_related(
        Prefetch("items", queryset=ReleaseItem.objects.select_related("contributor", "topic"))
    )


def published_releases(*, product_line=None, channel: str = "") -> QuerySet[Release]:
    releases = Release.objects.filter(status=ReleaseStatus.PUBLISHED)
    if product_line is not None:
        releases = releases.filter(product_line=product_line)
    if channel:
        releases = releases.filter(channel=channel)
    return _with_items(releases).order_by("-published_at", "-id")


def release_get_published(*, product_slug: str, version: str) -> Release:
    release = (
        _with_items(Release.objects.filter(status=ReleaseStatus.PUBLISHED))
        .filter(product_line__slug=product_slug, version=version)
        .first()
    )
    if release is None:
        raise NotFound()
    return release


def release_get(*, pk: int) -> Release:
    release = _with_items(Release.objects.all()).filter(pk=pk).first()
    if release is None:
        raise NotFound()
    return release


def upcoming_releases() -> QuerySet[Release]:
    return (
        Release.objects.filter(status=ReleaseStatus.PLANNED)
        .select_related("product_line")
        .annotate(n_items=Count("items"), n_user=Count("items", filter=Q(items__user_contributed=True)))
        .order_by("planned_for", "product_line__position")
    )


def candidates_for(*, release: Release, limit: int = 30) -> QuerySet[Topic]:
    """Suggestions and bug reports of the release's product line that the team accepted
    or acknowledged and that have not shipped, most supported first."""
    return (
        Topic.objects.filter(
            board__product_line=release.product_line,
            kind__in=TRACKED_KINDS,
            is_hidden=False,
            status__in=[
                TopicStatus.ACKNOWLEDGED,
                TopicStatus.PLANNED,
                TopicStatus.IN_PROGRESS,
                TopicStatus.NEW,
            ],
        )
        .exclude(release_items__release=release)
        .select_related("author")
        .order_by("-vote_count", "created_at")[:limit]
    )


def source_candidates(*, release: Release, actor) -> list[tuple[sources.ReleaseSource, list]]:
    """For the workbench: per registered source that offers any, the objects of the
    release's product line waiting to ship that `actor` may see — not those already in
    this release or shipped in a published one."""
    found = []
    for source in sources.all_sources():
        if source.offer is None:
            continue
        taken = (
            ReleaseItem.objects.filter(source_type=source.key)
            .filter(Q(release=release) | Q(release__status=ReleaseStatus.PUBLISHED))
            .values("source_id")
        )
        candidates = source.offer(actor, release.product_line, taken=taken)
        if candidates:
            found.append((source, list(candidates)))
    return found


def link_sources(releases, *, viewer) -> list[Release]:
    """The releases (evaluated), each item carrying `source_url`: the page of the object
    it came from when `viewer` may open it. One query per source for the whole page."""
    releases = list(releases)
    sources.link_items((item for release in releases for item in release.items.all()), viewer=viewer)
    return releases


@dataclass
class ReleaseMetrics:
    releases: list[dict]  # release, total, user, share
    user_share: float | None  # over every item of the period
    lead_days_median: float | None
    lead_days_p90: float | None
    shipped_suggestions: int
    answered_within_target: float | None
    answerable_suggestions: int
    fastest: list[dict]  # item, topic, days


def release_metrics(*, product_line=None, weeks: int = 12) -> ReleaseMetrics:
    """The train's figures over the last `weeks`: the user-contributed share of each
    release, idea-to-ship lead time (suggestion posted → release published) and the
    share of suggestions answered by staff within 7 days."""
    now = timezone.now()
    since = now - timedelta(weeks=weeks)
    releases = Release.objects.filter(status=ReleaseStatus.PUBLISHED, published_at__gte=since)
    if product_line is not None:
        releases = releases.filter(product_line=product_line)
    rows = []
    total_items = total_user = 0
    for release in (
        releases.select_related("product_line")
        .annotate(total=Count("items"), user=Count("items", filter=Q(items__user_contributed=True)))
        .order_by("published_at")
    ):
        total_items += release.total
        total_user += release.user
        share = 100 * release.user / release.total if release.total else None
        rows.append({"release": release, "total": release.total, "user": release.user, "share": share})
    shipped = (
        ReleaseItem.objects.filter(release__in=releases, source=ItemSource.SUGGESTION, topic__isnull=False)
        .select_related("topic", "release__product_line", "contributor")
        .order_by("release__published_at")
    )
    leads = []
    for item in shipped:
        days = (item.release.published_at - item.topic.created_at).total_seconds() / 86400
        leads.append({"item": item, "topic": item.topic, "days": round(days, 1)})
    lead_days = [row["days"] for row in leads]
    by_release: dict[int, list[float]] = {}
    for row in leads:
        by_release.setdefault(row["item"].release_id, []).append(row["days"])
    for row in rows:
        days = by_release.get(row["release"].pk)
        row["lead_median"] = round(statistics.median(days), 1) if days else None
    suggestions = Topic.objects.filter(
        kind=TopicKind.SUGGESTION, is_hidden=False, created_at__gte=since
    ).exclude(status=TopicStatus.DUPLICATE)
    if product_line is not None:
        suggestions = suggestions.filter(board__product_line=product_line)
    target = timedelta(days=ANSWER_TARGET_DAYS)
    judged = answered = 0
    for created, first_response in suggestions.values_list("created_at", "first_staff_response_at"):
        if first_response is not None and first_response - created <= target:
            judged += 1
            answered += 1
        elif first_response is not None or now - created > target:
            judged += 1  # answered late, or still waiting past the target
    return ReleaseMetrics(
        releases=rows,
        user_share=round(100 * total_user / total_items, 1) if total_items else None,
        lead_days_median=round(statistics.median(lead_days), 1) if lead_days else None,
        lead_days_p90=round(percentile(lead_days, 90), 1) if lead_days else None,
        shipped_suggestions=len(leads),
        answered_within_target=round(100 * answered / judged, 1) if judged else None,
        answerable_suggestions=judged,
        fastest=sorted(leads, key=lambda row: row["days"])[:10],
    )
