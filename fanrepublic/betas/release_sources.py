"""Closed betas as a source of release items (`releases.sources`): an approved test
report ships, credited to its tester, always under a public title of its own — the
programme is confidential, so the report lends neither its title nor a public link.
Only the staff who run betas may name one. Imported from BetasConfig.ready(); releases
knows nothing of the betas."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.releases.enums import ItemKind
from fanrepublic.releases.sources import Candidate, Origin, ReleaseSource, register

from .enums import ReportStatus
from .models import TestReport
from .permissions import can_manage

KEY = "beta_report"
OFFERED = 30


def _staff_url(report: TestReport) -> str:
    return reverse("betas:manage", args=[report.programme.slug])


def resolve(actor, source_id: int) -> Origin:
    report = (
        TestReport.objects.select_related("tester", "programme").filter(pk=source_id).first()
        if can_manage(actor)
        else None
    )
    if report is None:
        raise NotFound()  # missing, or not for this member to see: the same answer
    if report.status != ReportStatus.APPROVED:
        raise ValidationFailed(_("Only an approved test report can ship."), field="source_id")
    return Origin(title=report.title, contributor=report.tester, url=_staff_url(report), confidential=True)


def offer(actor, product_line, *, taken) -> list[Candidate]:
    """Approved reports of the product's programmes, for the staff who run betas."""
    if not can_manage(actor):
        return []
    reports = (
        TestReport.objects.filter(programme__product_line=product_line, status=ReportStatus.APPROVED)
        .exclude(pk__in=taken)
        .select_related("tester", "programme")
        .order_by("-reviewed_at", "-id")[:OFFERED]
    )
    return [
        Candidate(
            source_id=report.pk,
            title=report.title,
            contributor=report.tester,
            url=_staff_url(report),
            note=report.programme.display_name,
            confidential=True,
        )
        for report in reports
    ]


def links(viewer, ids: set[int]) -> dict[int, str]:
    """Staff who run betas reach the programme; nobody else gets a link."""
    if not can_manage(viewer):
        return {}
    reports = TestReport.objects.filter(pk__in=ids).select_related("programme")
    return {report.pk: _staff_url(report) for report in reports}


REPORT = register(
    ReleaseSource(
        key=KEY,
        label=gettext_lazy("Beta test report"),
        resolve=resolve,
        offer=offer,
        links=links,
        kind=ItemKind.FIX,
        confidential_message=gettext_lazy("Give a public title; beta reports stay confidential."),
    )
)
