"""What the programme does when other capabilities act: a release that carries a merged
change (`release_sources`) records it on the change when it publishes."""

from fanrepublic.activity.registry import on
from fanrepublic.releases.models import ReleaseItem

from . import release_sources
from .services import change_shipped


@on("releases.item.shipped")
def change_in_a_release(event):
    item = ReleaseItem.objects.filter(pk=event.object_id, source_type=release_sources.KEY).first()
    if item is not None and item.source_id is not None:
        change_shipped(item=item)
