from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from fanrepublic.core.api import BodyId, Id, Pages
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope
from fanrepublic.products.models import ProductLine
from fanrepublic.releases.models import Release

from . import permissions as perms
from . import selectors, services
from .enums import ReportStatus, Severity

router = Router(tags=["bounty"])


class BountyReportOut(Schema):
    id: int
    product: str = Field(..., alias="product_line.slug")
    release_id: int
    version: str = Field(..., alias="release.version")
    reporter: str = Field(..., alias="reporter.username")
    title: str
    steps: str
    expected: str
    actual: str
    claimed_severity: str
    is_security: bool
    status: str
    severity: str
    duplicate_of_id: int | None
    fixed_in_id: int | None
    rewarded: bool
    disclosed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_rewarded(obj) -> bool:
        return obj.reward_id is not None


class BountyReportIn(Schema):
    release_id: BodyId
    title: str = Field(..., max_length=200)
    steps: str = Field(..., max_length=5000)
    expected: str = Field(..., max_length=2000)
    actual: str = Field(..., max_length=2000)
    claimed_severity: str = Field(..., max_length=20, description=f"One of {', '.join(Severity.values)}.")
    is_security: bool = False


class TriageIn(Schema):
    status: str = Field(..., max_length=20, description=f"One of {', '.join(ReportStatus.values)}.")
    severity: str = Field("", max_length=20)
    duplicate_of_id: BodyId | None = None
    note: str = Field("", max_length=5000)


class MessageIn(Schema):
    body: str = Field(..., max_length=5000)
    is_internal: bool = False


class MessageOut(Schema):
    id: int
    author: str = Field(..., alias="author.username")
    body: str
    is_internal: bool
    created_at: datetime


class CandidateOut(Schema):
    id: int
    title: str
    status: str
    score: float


class TierOut(Schema):
    product: str | None
    severity: str
    points: int

    @staticmethod
    def resolve_product(obj) -> str | None:
        return obj.product_line.slug if obj.product_line_id else None


class FameOut(Schema):
    member: str
    points: int
    valid: int
    invalid: int


class ReportFilters(Schema):
    status: str = Field("", max_length=20)
    mine: bool = False


@router.get("/reports", response=list[BountyReportOut], auth=PUBLIC)
@paginate(Pages, page_size=20)
def list_reports(request, filters: Query[ReportFilters]):
    """Reports the caller may see: public ones, their own, and (security triage) all."""
    reports = selectors.visible_reports(viewer=request.user)
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.mine:
        if not request.user.is_authenticated:
            return reports.none()
        reports = reports.filter(reporter=request.user)
    return reports


@router.post("/reports", response={201: BountyReportOut}, auth=MEMBER)
def submit(request, payload: BountyReportIn):
    """File a report against a released version (screenshots: on the web form)."""
    member = require_scope(request)
    release = Release.objects.filter(pk=payload.release_id).select_related("product_line").first()
    if release is None:
        raise ValidationFailed(_("Choose a released version of the product."), field="release_id")
    report = services.report_submit(
        reporter=member, release=release, **payload.model_dump(exclude={"release_id"})
    )
    return Status(201, report)


@router.get("/reports/{report_id}", response=BountyReportOut, auth=PUBLIC)
def get_report(request, report_id: Id):
    return selectors.report_get(viewer=request.user, pk=report_id)


@router.get("/reports/{report_id}/duplicates", response=list[CandidateOut], auth=MEMBER)
def duplicates(request, report_id: Id):
    """Triage: reports that read alike (Chinese and English)."""
    report = selectors.report_get(viewer=request.user, pk=report_id)
    if not perms.can_triage(request.user, report):
        raise NotFound()
    found = selectors.duplicate_candidates(
        viewer=request.user,
        product_line=report.product_line,
        text=f"{report.title} {report.actual}",
        exclude_pk=report.pk,
    )
    return [
        {"id": c["report"].pk, "title": c["report"].title, "status": c["report"].status, "score": c["score"]}
        for c in found
    ]


@router.post("/reports/{report_id}/triage", response=BountyReportOut, auth=MEMBER)
def triage(request, report_id: Id, payload: TriageIn):
    """Triage: set status and severity; "valid" pays the reward table once."""
    actor = require_scope(request)
    report = selectors.report_get(viewer=actor, pk=report_id)
    original = None
    if payload.duplicate_of_id is not None:
        original = selectors.visible_reports(viewer=actor).filter(pk=payload.duplicate_of_id).first()
        if original is None:
            raise ValidationFailed(_("There is no report with that number."), field="duplicate_of_id")
    return services.report_triage(
        actor=actor,
        report=report,
        status=payload.status,
        severity=payload.severity,
        note=payload.note,
        duplicate_of=original,
    )


@router.get("/reports/{report_id}/messages", response=list[MessageOut], auth=MEMBER)
def list_messages(request, report_id: Id):
    """The reporter–triage conversation: the reporter and triage only (404 to others)."""
    report = selectors.report_get(viewer=request.user, pk=report_id)
    return list(selectors.report_conversation(viewer=request.user, report=report))


@router.post("/reports/{report_id}/messages", response={201: MessageOut}, auth=MEMBER)
def post_message(request, report_id: Id, payload: MessageIn):
    author = require_scope(request)
    report = selectors.report_get(viewer=author, pk=report_id)
    return Status(
        201,
        services.report_message(
            author=author, report=report, body=payload.body, is_internal=payload.is_internal
        ),
    )


@router.post("/reports/{report_id}/disclose", response=BountyReportOut, auth=MEMBER)
def disclose(request, report_id: Id):
    actor = require_scope(request)
    return services.report_disclose(actor=actor, report=selectors.report_get(viewer=actor, pk=report_id))


@router.get("/rewards", response=list[TierOut], auth=PUBLIC)
def rewards(request, product: str = Query("", max_length=50)):
    """The reward table that applies to a product (or the default)."""
    line = None
    if product:
        line = ProductLine.objects.filter(slug=product, is_active=True).first()
        if line is None:
            raise ValidationFailed(_("Unknown product."), field="product")
    return selectors.reward_table(product_line=line)


@router.get("/hall-of-fame", response=list[FameOut], auth=PUBLIC)
def fame(request):
    return [
        {
            "member": r["member"].username,
            "points": r["points"],
            "valid": r["stats"].valid,
            "invalid": r["stats"].invalid,
        }
        for r in selectors.hall_of_fame()
    ]
