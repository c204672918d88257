from fanrepublic.activity.registry import on
from fanrepublic.notifications.enums import NotificationKind
from fanrepublic.notifications.services import notify
from fanrepublic.releases.models import ReleaseItem

from .models import BountyReport
from .services import report_mark_fixed


@on("releases.item.shipped")
def fix_shipped(event):
    """A release that carries a bounty finding marks the report fixed in that release,
    which also opens the way to disclosing it if it was a security report."""
    item = ReleaseItem.objects.select_related("release", "bounty_report").filter(pk=event.object_id).first()
    if item is not None and item.bounty_report is not None:
        report_mark_fixed(report=item.bounty_report, release=item.release, actor=event.actor)


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
        kind=NotificationKind.BOUNTY,
        actor=event.actor,
        url=report.get_absolute_url(),
        params=params,
        dedupe_key=f"event:{event.pk}",
    )
