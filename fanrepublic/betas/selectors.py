from django.db.models import Count, Q, QuerySet

from fanrepublic.core.errors import NotFound

from .enums import ApplicationStatus, ProgrammeStatus, ReportStatus
from .models import Application, BetaProgramme, Entitlement, TestReport
from .permissions import can_manage


def programmes_visible(*, viewer) -> QuerySet[BetaProgramme]:
    programmes = BetaProgramme.objects.select_related("product_line").annotate(
        n_applications=Count("applications", distinct=True),
        n_selected=Count(
            "applications", filter=Q(applications__status=ApplicationStatus.SELECTED), distinct=True
        ),
    )
    if not can_manage(viewer):
        programmes = programmes.exclude(status=ProgrammeStatus.DRAFT)
    return programmes.order_by("-applications_close_at")


def programme_get(*, viewer, slug: str) -> BetaProgramme:
    programme = programmes_visible(viewer=viewer).filter(slug=slug).first()
    if programme is None:
        raise NotFound()
    return programme


def application_of(*, member, programme: BetaProgramme) -> Application | None:
    if not member.is_authenticated:
        return None
    return Application.objects.filter(programme=programme, member=member).first()


def seat_of(*, member, programme: BetaProgramme) -> Application:
    """The member's seat in the programme (their selected application). To anyone without
    one (no application, not selected, staff, visitors) the NDA is missing: 404."""
    application = application_of(member=member, programme=programme)
    if application is None or application.status != ApplicationStatus.SELECTED:
        raise NotFound()
    return application


def sees_confidential(*, viewer, programme: BetaProgramme) -> bool:
    """Testers who signed the NDA, and the staff who run betas."""
    if can_manage(viewer):
        return True
    application = application_of(member=viewer, programme=programme)
    return application is not None and application.is_tester


def draw_table(*, programme: BetaProgramme) -> list[Application]:
    """Everyone the selection considered, in ticket order, for anyone to check."""
    return list(
        programme.applications.exclude(status=ApplicationStatus.APPLIED)
        .select_related("member")
        .order_by("ticket")
    )


def reports_to_review(*, programme: BetaProgramme) -> QuerySet[TestReport]:
    return (
        programme.reports.filter(status=ReportStatus.SUBMITTED)
        .select_related("tester", "task")
        .order_by("created_at")
    )


def entitlements_of(*, member) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(member=member).select_related("programme")
