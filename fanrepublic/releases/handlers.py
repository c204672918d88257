from django.utils.translation import gettext as _

from fanrepublic.activity.registry import on
from fanrepublic.notifications.services import notify

from .models import ReleaseItem

NOTICE = "release"


def notice_text(params: dict) -> str:
    return _("Your contribution “%(topic)s” shipped in %(release)s") % {
        "topic": params.get("topic", ""),
        "release": params.get("release", ""),
    }


@on("releases.item.shipped")
def notify_contributor(event):
    """A change without a forum topic (an outside contribution, an object of a registered
    source such as a bounty finding) tells its contributor directly; topics tell their
    authors and voters through the forum's status notification."""
    item = ReleaseItem.objects.select_related("release__product_line").filter(pk=event.object_id).first()
    if item is None or item.topic_id is not None or item.contributor_id is None:
        return
    notify(
        recipient_ids={item.contributor_id},
        kind=NOTICE,
        actor=event.actor,
        url=item.release.get_absolute_url(),
        params={"topic": item.title, "release": item.release.display_name},
        dedupe_key=f"event:{event.pk}",
    )
