"""Reads for chain sign-ups, limited to what the asking member may see."""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.core.errors import NotFound

from . import permissions
from .enums import ChainStatus
from .models import Chain, Entry

NEWEST = 20


def chains_listed(*, viewer) -> QuerySet[Chain]:
    """Open chains first, then closed ones (and open ones past their closing time), newest
    first; hidden ones only for moderators. `open_now` says which are open."""
    chains = Chain.objects.select_related("started_by", "board").annotate(
        open_now=Case(
            When(
                Q(status=ChainStatus.OPEN) & (Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if not permissions.can_moderate_chains(viewer):
        chains = chains.exclude(status=ChainStatus.HIDDEN)
    # Not by `status` itself: "closed" sorts before "open", and a hundred closed chains
    # would push every open one off the list.
    return chains.order_by("-open_now", "-created_at")


def chain_get(*, viewer, slug: str) -> Chain:
    chain = Chain.objects.select_related("started_by", "board").filter(slug=str(slug)[:24]).first()
    if chain is None or not permissions.can_see(viewer, chain):
        raise NotFound()
    return chain


def entries_shown(*, viewer, chain: Chain) -> QuerySet[Entry]:
    """The chain's lines in number order; hidden ones only for moderators."""
    entries = chain.entries.select_related("member")
    if not permissions.can_moderate_chains(viewer):
        entries = entries.filter(hidden_at__isnull=True)
    return entries.order_by("number")


def entries_newest(*, chain: Chain, limit: int = NEWEST) -> list[Entry]:
    return list(
        chain.entries.filter(hidden_at__isnull=True).select_related("member").order_by("-number")[:limit]
    )


def entry_of(*, member, chain: Chain) -> Entry | None:
    if not (member and member.is_authenticated):
        return None
    return Entry.objects.filter(chain=chain, member=member).first()


def entry_by_number(*, chain: Chain, number: int) -> Entry:
    entry = Entry.objects.filter(chain=chain, number=number).first()
    if entry is None:
        raise NotFound()
    return entry


def export_rows(*, viewer, chain: Chain):
    """The lines for the CSV export: number, public name, message, pledge, times, and
    whether a moderator hid it. Other members' personal data stays out, and so do hidden
    lines for anyone who may not see them on the page (a chain's starter who is not a
    moderator): the file holds what `entries_shown` shows."""
    hidden = _("hidden")  # now, in the request's language: the rows stream later

    def row(entry: Entry) -> list:
        return [
            entry.number,
            entry.member.public_name,
            entry.message,
            entry.pledge,
            entry.created_at.isoformat(timespec="seconds"),
            entry.edited_at.isoformat(timespec="seconds") if entry.edited_at else "",
            hidden if entry.hidden_at else "",
        ]

    return (row(e) for e in entries_shown(viewer=viewer, chain=chain).iterator(chunk_size=2000))
