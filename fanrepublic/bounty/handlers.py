from django.utils.translation import gettext as _

from fanrepublic.activity.registry import on
from fanrepublic.notifications.services import notify
from fanrepublic.releases.models import ReleaseItem

from . import release_sources
from .enums import ReportStatus
from .models import BountyReport
from .services import report_mark_fixed

NOTICE = "bounty"


def notice_text(params: dict) -> str:
    """How a bounty notification reads, in the reader's language."""
    p = {"topic": params.get("topic", "")}
    value = params.get("report_status")
    if value:
        p["status"] = ReportStatus(value).label if value in ReportStatus.values else value
        return _("Your bug report “%(topic)s” is now %(status)s") % p
    return _("Triage wrote on your bug report “%(topic)s”") % p


@on("releases.item.shipped")
def fix_shipped(event):
    """A release that carries a bounty finding marks the report fixed in that release,
    which also opens the way to disclosing it if it was a security report."""
    item = (
        ReleaseItem.objects.select_related("release")
        .filter(pk=event.object_id, source_type=release_sources.KEY)
        .first()
    )
    report = BountyReport.objects.filter(pk=item.source_id).first() if item is not None else None
    if report is not None:
        report_mark_fixed(report=report, release=item.release, actor=event.actor)


@on("bounty.report.triaged", "bounty.report.fixed", "bounty.report.message")
def tell_the_reporter(event):
    report = BountyReport.objects.filter(pk=event.object_id).first()
    if report is None or event.properties.get("internal"):
        return
    params = {"topic": report.title}
    if event.verb == "bounty.report.triaged":
        params["report_status"] = event.properties.get("to", "")
    elif event.verb == "bounty.report.fixed":
        params["report_status"] = "fixed"
    notify(
        recipient_ids={report.reporter_id},
        kind=NOTICE,
        actor=event.actor,
        url=report.get_absolute_url(),
        params=params,
        dedupe_key=f"event:{event.pk}",
    )
