"""Merged pull requests as a source of release items (`releases.sources`): a planner
adds a merged change to a release from the workbench (or the API) and it ships credited
to its contributor; when the release publishes, the change records the item it shipped
as (`handlers.change_shipped`, on `releases.item.shipped`), which puts the release on
the contributor's profile. Imported from OpensourceConfig.ready(); releases knows nothing
of the programme."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.releases.enums import ItemKind
from fanrepublic.releases.sources import Candidate, Origin, ReleaseSource, register

from . import permissions
from .enums import ContributionKind, ContributionState, Host
from .models import Contribution

KEY = "opensource_change"
OFFERED = 30


def _changes(viewer):
    """Pull requests `viewer` may see: those of open repositories, and every one for
    programme staff."""
    found = Contribution.objects.filter(kind=ContributionKind.CODE).select_related("member", "repository")
    if permissions.is_programme_staff(viewer):
        return found
    return found.filter(repository__is_open=True)


def resolve(actor, source_id: int) -> Origin:
    change = _changes(actor).filter(pk=source_id).first()
    if change is None:
        raise NotFound()
    if change.state != ContributionState.MERGED:
        raise ValidationFailed(_("Only a merged pull request can ship in a release."), field="source_id")
    return Origin(
        title=change.title,
        contributor=change.member,
        url=change.repository.get_absolute_url(),
        # A closed repository's pull request ships under a public title staff write.
        confidential=not change.repository.is_open,
    )


def offer(actor, product_line, *, taken) -> list[Candidate]:
    """Merged changes to repositories of the release's product line (or of none in
    particular), not yet in a release, newest first."""
    changes = (
        _changes(actor)
        .filter(state=ContributionState.MERGED, release_item__isnull=True)
        .filter(Q(repository__product_line=product_line) | Q(repository__product_line__isnull=True))
        .exclude(pk__in=taken)
        .order_by("-merged_at", "-id")[:OFFERED]
    )
    return [
        Candidate(
            source_id=change.pk,
            title=change.title,
            contributor=change.member,
            url=change.repository.get_absolute_url(),
            note=f"{change.repository.full_name}#{change.number}"
            if change.number
            else change.repository.full_name,
        )
        for change in changes
    ]


def _on_its_host(change: Contribution) -> bool:
    host = "github.com" if change.repository.host == Host.GITHUB else "gitee.com"
    return change.url.startswith(f"https://{host}/")


def links(viewer, ids: set[int]) -> dict[int, str]:
    """The change on its git host (an https link there, nothing else), for changes of
    repositories `viewer` may see."""
    return {change.pk: change.url for change in _changes(viewer).filter(pk__in=ids) if _on_its_host(change)}


CHANGE = register(
    ReleaseSource(
        key=KEY,
        label=gettext_lazy("Open-source contribution"),
        resolve=resolve,
        offer=offer,
        links=links,
        kind=ItemKind.FEATURE,
        confidential_message=gettext_lazy(
            "Give a public title: the repository is closed, its pull requests are not public."
        ),
    )
)
