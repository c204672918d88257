"""The bug bounty as a source of release items (`releases.sources`): a report judged
valid ships as a fix, credited to its reporter; a security report ships under a public
title of its own, since the changelog is public and the report is not. When the release
publishes, the report is marked fixed (`handlers.fix_shipped`, on `releases.item.shipped`).
Imported from BountyConfig.ready(); releases knows nothing of the bounty."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fanrepublic.core.errors import ValidationFailed
from fanrepublic.releases.enums import ItemKind
from fanrepublic.releases.sources import Candidate, Origin, ReleaseSource, register

from . import selectors
from .enums import ReportStatus

KEY = "bounty_finding"
OFFERED = 30


def resolve(actor, source_id: int) -> Origin:
    report = selectors.report_get(viewer=actor, pk=source_id)  # NotFound: missing or private
    if report.status != ReportStatus.VALID:
        raise ValidationFailed(_("Only a report judged valid can ship as a fix."), field="source_id")
    return Origin(
        title=report.title,
        contributor=report.reporter,
        url=report.get_absolute_url(),
        confidential=not report.is_public,
    )


def offer(actor, product_line, *, taken) -> list[Candidate]:
    """Valid reports of the product that `actor` may see, not yet fixed in a release."""
    reports = (
        selectors.visible_reports(viewer=actor)
        .filter(product_line=product_line, status=ReportStatus.VALID)
        .exclude(pk__in=taken)
        .order_by("-triaged_at", "-id")[:OFFERED]
    )
    return [
        Candidate(
            source_id=report.pk,
            title=report.title,
            contributor=report.reporter,
            url=report.get_absolute_url(),
            note=report.get_severity_display(),
            confidential=not report.is_public,
        )
        for report in reports
    ]


def links(viewer, ids: set[int]) -> dict[int, str]:
    """The reports `viewer` may open: ordinary and disclosed ones for everyone."""
    visible = selectors.visible_reports(viewer=viewer).filter(pk__in=ids).values_list("pk", flat=True)
    return {pk: reverse("bounty:report", args=[pk]) for pk in visible}


FINDING = register(
    ReleaseSource(
        key=KEY,
        label=gettext_lazy("Bug bounty finding"),
        resolve=resolve,
        offer=offer,
        links=links,
        kind=ItemKind.FIX,
        confidential_message=gettext_lazy("Give a public title; the security report stays private."),
    )
)
