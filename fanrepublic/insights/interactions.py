"""The kinds of interaction whose value the insights estimate, read from the one event log
(every capability records its interactions there): the verbs that make each kind, and
whose interaction it is — the actor (who posted, visited, voted) or the owner (whose bug
report was judged valid, whose application was selected, whose contribution shipped,
who was seated). A member's *first* interaction of a kind is their index date: the
day from which a change in behaviour could be that interaction's doing.

Co-creation is the subset an operator chooses (the co-creator report says which).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.activity.models import Event


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    verbs: tuple[str, ...]
    role: str  # "actor" or "owner"
    co_creation: bool = False


KINDS = {
    kind.code: kind
    for kind in (
        Kind("post", _("A forum post"), ("forum.topic.created", "forum.reply.created"), "actor"),
        Kind(
            "shipped",
            _("A contribution shipped in a published release"),
            ("releases.item.shipped",),
            "owner",
            co_creation=True,
        ),
        Kind(
            "beta", _("A seat in a closed beta"), ("betas.application.selected",), "owner", co_creation=True
        ),
        Kind(
            "bug",
            _("A valid bug report"),
            ("bounty.report.valid", "bounty.report.fixed"),
            "owner",
            co_creation=True,
        ),
        Kind("visit", _("A store visit"), ("stores.visit.recorded",), "actor"),
        Kind("committee", _("A committee seat"), ("committees.seated",), "owner", co_creation=True),
        Kind("vote", _("A vote in the fan parliament"), ("governance.ballot.cast",), "actor"),
    )
}
CO_CREATION = tuple(code for code, kind in KINDS.items() if kind.co_creation)


def day_start(day: date) -> datetime:
    """The first moment of a local day: "before `until`" counts whole days."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def key_of(kinds) -> str:
    """How a definition (a set of kinds) is named in storage and in links."""
    return "+".join(sorted(set(kinds)))


def first_dates(kinds, *, until: datetime | None = None) -> dict[int, datetime]:
    """Each member's first interaction of any of `kinds` (before `until`, if given)."""
    found: dict[int, datetime] = {}
    for code in kinds:
        kind = KINDS[code]
        events = Event.objects.filter(verb__in=kind.verbs, **{f"{kind.role}__isnull": False})
        if until is not None:
            events = events.filter(occurred_at__lt=until)
        rows = events.values(kind.role).annotate(first=Min("occurred_at")).values_list(kind.role, "first")
        for member_id, first in rows:
            if member_id not in found or first < found[member_id]:
                found[member_id] = first
    return found


def cocreator_ids(kinds=CO_CREATION, *, until: datetime | None = None) -> set[int]:
    return set(first_dates(kinds, until=until))


def is_cocreator(member_id: int, *, until: datetime | None = None, kinds=CO_CREATION) -> bool:
    """Whether this one member had co-created before `until` (one indexed query per kind)."""
    for code in kinds:
        kind = KINDS[code]
        events = Event.objects.filter(verb__in=kind.verbs, **{kind.role: member_id})
        if until is not None:
            events = events.filter(occurred_at__lt=until)
        if events.exists():
            return True
    return False
