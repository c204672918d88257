from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from fanrepublic.core.errors import NotFound
from fanrepublic.releases.enums import ReleaseStatus
from fanrepublic.releases.models import Release

from . import permissions as perms
from .enums import JUDGED_VALID, ReportStatus
from .models import BountyReport, RewardTier
from .similarity import similar, words

CANDIDATE_POOL = 5000


def visible_reports(*, viewer) -> QuerySet[BountyReport]:
    reports = BountyReport.objects.select_related("product_line", "release", "reporter")
    if perms.can_triage_security(viewer):
        return reports
    public = Q(is_security=False) | Q(disclosed_at__isnull=False)
    if viewer.is_authenticated:
        public |= Q(reporter=viewer)
    return reports.filter(public)


def report_get(*, viewer, pk: int) -> BountyReport:
    report = visible_reports(viewer=viewer).filter(pk=pk).first()
    if report is None:
        raise NotFound()  # missing and not-yours-to-see answer the same
    return report


def report_conversation(*, viewer, report: BountyReport):
    """The reporter–triage thread, for the reporter and triage only (internal notes for
    triage alone); anyone else gets NotFound, as for a report they may not see."""
    if not perms.can_read_conversation(viewer, report):
        raise NotFound()
    thread = report.messages.select_related("author").order_by("created_at", "pk")
    if not perms.can_triage(viewer, report):
        thread = thread.filter(is_internal=False)
    return thread


def reportable_versions(*, product_line=None) -> QuerySet[Release]:
    """The versions a bug can be reported against: published releases."""
    releases = Release.objects.filter(status=ReleaseStatus.PUBLISHED).select_related("product_line")
    if product_line is not None:
        releases = releases.filter(product_line=product_line)
    return releases.order_by("product_line__position", "-published_at")


def triage_queue(*, viewer, status: str = "", security: str = "") -> QuerySet[BountyReport]:
    reports = visible_reports(viewer=viewer)
    if not perms.can_triage_security(viewer):
        reports = reports.filter(is_security=False)
    if status:
        reports = reports.filter(status=status)
    else:
        reports = reports.filter(status__in=[ReportStatus.NEW, ReportStatus.NEEDS_INFO])
    if security == "1":
        reports = reports.filter(is_security=True)
    return reports.order_by("created_at", "id")


def duplicate_candidates(*, viewer, product_line, text: str, exclude_pk: int | None = None) -> list[dict]:
    """Reports of the same product that read alike, as far as `viewer` may see them."""
    pool = (
        visible_reports(viewer=viewer)
        .filter(product_line=product_line)
        .exclude(status=ReportStatus.INVALID)
        .order_by("-created_at")
    )
    if exclude_pk is not None:
        pool = pool.exclude(pk=exclude_pk)
    docs = dict(pool.values_list("pk", "search_document")[:CANDIDATE_POOL])
    ranked = similar(words(text), docs)
    found = {
        r.pk: r
        for r in BountyReport.objects.filter(pk__in=[pk for pk, _s in ranked]).select_related("reporter")
    }
    return [{"report": found[pk], "score": score} for pk, score in ranked if pk in found]


def reward_table(*, product_line=None) -> list[RewardTier]:
    """The tier that applies per severity: the product's own, else the default."""
    tiers = {t.severity: t for t in RewardTier.objects.filter(product_line__isnull=True)}
    if product_line is not None:
        tiers.update({t.severity: t for t in RewardTier.objects.filter(product_line=product_line)})
    return sorted(tiers.values(), key=lambda t: t.points)


def reward_points(*, report: BountyReport) -> int | None:
    if report.reward_id is None:
        return None
    return report.reward.postings.filter(amount_minor__gt=0).values_list("amount_minor", flat=True).first()


@dataclass
class ReporterStats:
    valid: int
    invalid: int
    duplicates: int
    points: int

    @property
    def valid_ratio(self) -> float | None:
        judged = self.valid + self.invalid
        return round(100 * self.valid / judged, 1) if judged else None


def _stats_by_reporter(reporter_ids) -> dict[int, ReporterStats]:
    """Valid/invalid/duplicate counts and points earned, for many reporters in two queries."""
    counts = (
        BountyReport.objects.filter(reporter_id__in=reporter_ids)
        .values("reporter")
        .annotate(
            valid=Count(
                "pk",
                filter=Q(status__in=JUDGED_VALID) | Q(status=ReportStatus.WONT_FIX, reward__isnull=False),
            ),
            invalid=Count("pk", filter=Q(status=ReportStatus.INVALID)),
            duplicates=Count("pk", filter=Q(status=ReportStatus.DUPLICATE)),
        )
    )
    points = dict(
        BountyReport.objects.filter(reporter_id__in=reporter_ids, reward__isnull=False)
        .values("reporter")
        .annotate(n=Sum("reward__postings__amount_minor", filter=Q(reward__postings__amount_minor__gt=0)))
        .values_list("reporter", "n")
    )
    return {
        row["reporter"]: ReporterStats(
            valid=row["valid"],
            invalid=row["invalid"],
            duplicates=row["duplicates"],
            points=points.get(row["reporter"]) or 0,
        )
        for row in counts
    }


def reporter_stats(*, member) -> ReporterStats:
    return _stats_by_reporter([member.pk]).get(member.pk) or ReporterStats(
        valid=0, invalid=0, duplicates=0, points=0
    )


def hall_of_fame(*, limit: int = 20) -> list[dict]:
    """Reporters by points earned from valid reports, with their valid/invalid record."""
    rows = list(
        BountyReport.objects.filter(reward__isnull=False)
        .values("reporter")
        .annotate(
            points=Sum("reward__postings__amount_minor", filter=Q(reward__postings__amount_minor__gt=0))
        )
        .order_by("-points")[:limit]
    )
    ids = [r["reporter"] for r in rows]
    members = get_user_model().objects.in_bulk(ids)
    stats = _stats_by_reporter(ids)
    return [
        {
            "member": members[r["reporter"]],
            "points": r["points"],
            "valid": stats[r["reporter"]].valid,
            "stats": stats[r["reporter"]],
        }
        for r in rows
    ]
