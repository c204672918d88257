"""Release-item sources: what a changelog line can come from besides a forum topic.

The release train knows four sources of its own: a member suggestion or bug report (a
forum topic — the forum is the platform's main source, and releases builds on it), an
outside contribution (a link) and the team's own work. Every other source belongs to the
capability that owns the object — the bug bounty's valid reports, the closed betas'
approved test reports — and that app registers it here, from a module imported in its
AppConfig.ready() (the dependent app registers itself; releases imports none of them):

    # fanrepublic/<app>/release_sources.py
    register(ReleaseSource(key="bounty_finding", label=_("Bug bounty finding"), resolve=...))

A release item then refers to its object generically: `ReleaseItem.source_type` is the
source's key and `ReleaseItem.source_id` the object's primary key. An app that reacts
when its object ships subscribes to the `releases.item.shipped` event, whose properties
carry `source_type` and `source_id` (the bounty marks its report fixed that way).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import ItemKind, ItemSource

KEY_MAX = 40  # ReleaseItem.source_type
SOURCE_MAX = 20  # ReleaseItem.source
# The sources releases itself knows, in the order forms and filters show them; the
# registered ones come between the forum's and the outside contributions.
BUILT_IN_BEFORE = (ItemSource.SUGGESTION, ItemSource.BUG_REPORT)
BUILT_IN_AFTER = (ItemSource.OUTSIDE, ItemSource.INTERNAL)


@dataclass(frozen=True)
class Origin:
    """What a source says about one object it offers to a release (`resolve`).

    `title` is the public title the item takes when staff give none; `confidential`
    means the object must not lend its own title to the public changelog (a security
    finding, a confidential beta report), so the item ships under a title staff write.
    `url` is where staff read the object (recorded in the audit entry)."""

    title: str
    contributor: Any | None
    url: str = ""
    confidential: bool = False


@dataclass(frozen=True)
class Candidate:
    """An object waiting to be added, for the release workbench (`offer`). The
    workbench is for staff, and `offer` only returns what the asking member may see."""

    source_id: int
    title: str
    contributor: Any | None = None
    url: str = ""
    note: str = ""
    confidential: bool = False


@dataclass(frozen=True)
class ReleaseSource:
    """One kind of object a release item can come from.

    - `key`: stored in `ReleaseItem.source_type`; what the page form and the API name as
      `source` (with the object's number as `source_id`).
    - `label`: lazily translated, shown on the changelog, the workbench and the admin.
    - `user_contributed`: whether its items count as members' contributions. The item's
      `source` column holds `item_source` — the key itself by default, "internal" for a
      source that is not user-contributed — and a check constraint ties
      `user_contributed` to it.
    - `resolve(actor, source_id) -> Origin`: the object as `actor` may plan it. Raises
      `NotFound` when it is missing or `actor` may not see it (the same 404 for both),
      and `ValidationFailed(..., field="source_id")` when it cannot ship (not judged
      valid, not approved).
    - `offer(actor, product_line, *, taken) -> list[Candidate]`: objects of that product
      line waiting to ship, that `actor` may see, leaving out the primary keys in
      `taken` (a subquery: already in this release or shipped), newest first, a few dozen.
    - `links(viewer, ids) -> {id: url}`: for a changelog page, the objects among `ids`
      that `viewer` may open (a disclosed bounty report, not a confidential beta report).
    - `kind`: the kind of change its candidates are proposed as.
    - `confidential_message`: what staff read when a confidential object has no title.
    """

    key: str
    label: str | Promise
    resolve: Callable[[Any, int], Origin]
    user_contributed: bool = True
    item_source: str = ""
    offer: Callable[..., list[Candidate]] | None = None
    links: Callable[[Any, set[int]], dict[int, str]] | None = None
    kind: str = ItemKind.FIX
    confidential_message: str | Promise = field(
        default=_("Give a public title; where this change came from stays confidential.")
    )

    def __post_init__(self):
        if not self.item_source:
            default = self.key if self.user_contributed else ItemSource.INTERNAL
            object.__setattr__(self, "item_source", default)
        if not self.key or len(self.key) > KEY_MAX or self.key in ItemSource.values:
            raise ValueError(f"a release source needs a key of its own, at most {KEY_MAX} long: {self.key!r}")
        if len(self.item_source) > SOURCE_MAX:
            raise ValueError(f"item_source {self.item_source!r} is longer than {SOURCE_MAX} characters")
        if self.user_contributed == (self.item_source == ItemSource.INTERNAL):
            raise ValueError(
                f"release source {self.key!r}: an item is user-contributed exactly when its item_source "
                f"is not {ItemSource.INTERNAL!r}"
            )
        if self.item_source in ItemSource.values and self.item_source != ItemSource.INTERNAL:
            raise ValueError(f"release source {self.key!r} may not pose as the built-in {self.item_source!r}")
        if self.kind not in ItemKind.values:
            raise ValueError(f"release source {self.key!r}: unknown kind {self.kind!r}")


_sources: dict[str, ReleaseSource] = {}


def register(source: ReleaseSource) -> ReleaseSource:
    """Declare a source (from the owning app's module imported in its ready())."""
    known = _sources.get(source.key)
    if known is not None and known != source:
        raise ValueError(f"the release source {source.key!r} is registered twice")
    _sources[source.key] = source
    return source


def unregister(key: str) -> None:
    _sources.pop(key, None)


@contextlib.contextmanager
def registered(*added: ReleaseSource):
    """For tests: a throw-away source for the length of a `with` block."""
    for source in added:
        register(source)
    try:
        yield added[0] if len(added) == 1 else added
    finally:
        for source in added:
            unregister(source.key)


def get(key: str) -> ReleaseSource | None:
    return _sources.get(key) if key else None


def all_sources() -> list[ReleaseSource]:
    """Every registered source, in registration order (the apps' order)."""
    return list(_sources.values())


def choices() -> list[tuple[str, Any]]:
    """The values of `ReleaseItem.source` with their labels: the built-in ones and every
    registered source's (the model field calls this, so a new source needs no migration)."""
    found = {value: label for value, label in ItemSource.choices if value in BUILT_IN_BEFORE}
    for source in _sources.values():
        found.setdefault(source.item_source, source.label)
    found.update((value, label) for value, label in ItemSource.choices if value in BUILT_IN_AFTER)
    return list(found.items())


def source_choices() -> list[tuple[str, Any]]:
    """What a planner chooses from (form, API): built-ins and registered sources by key."""
    before = [(value, label) for value, label in ItemSource.choices if value in BUILT_IN_BEFORE]
    after = [(value, label) for value, label in ItemSource.choices if value in BUILT_IN_AFTER]
    return before + [(s.key, s.label) for s in _sources.values()] + after


def link_items(items: Iterable, *, viewer) -> None:
    """Set `item.source_url` on each item: the page of the object it came from, when
    `viewer` may open it ('' otherwise). One call per source for the whole page."""
    items = list(items)
    by_type: dict[str, set[int]] = {}
    for item in items:
        item.source_url = ""
        if item.source_type and item.source_id is not None:
            by_type.setdefault(item.source_type, set()).add(item.source_id)
    found: dict[tuple[str, int], str] = {}
    for key, ids in by_type.items():
        source = get(key)
        if source is not None and source.links is not None:
            found.update(((key, pk), url) for pk, url in source.links(viewer, ids).items())
    for item in items:
        if item.source_type:
            item.source_url = found.get((item.source_type, item.source_id), "")
