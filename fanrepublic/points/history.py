"""How a wallet's history reads: what each transaction was for, in the reader's language.

The ledger stores a memo once (in the language of whoever caused it) and the object a
transaction was about (`object_type`, `object_id`), or the event that earned it. The
apps that own those objects say how to show them: each registers a *describer* here for
its object types (the dependent app registers itself; points knows none of them), and
a *pending source* for points that are spent but could still come back (an open order).
"""

from collections.abc import Callable, Iterable

# object_type -> describer(ids) -> {id: (url, label)}; an empty label keeps the memo.
Describer = Callable[[set[int]], dict[int, tuple[str, str]]]
_describers: dict[str, Describer] = {}
_pending_sources: list[Callable[[object], int]] = []


def describes(*object_types: str):
    """Register a describer for objects of these types (`"rewards.order"`)."""

    def register(func: Describer) -> Describer:
        for object_type in object_types:
            _describers[object_type] = func
        return func

    return register


def pending_source(func: Callable[[object], int]) -> Callable[[object], int]:
    """Register `func(member) -> points` held by something still open."""
    if func not in _pending_sources:
        _pending_sources.append(func)
    return func


def pending_points(member) -> int:
    return sum(source(member) for source in _pending_sources)


def describe(targets: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """{(object_type, object_id): (url, label)} for the targets someone can describe."""
    by_type: dict[str, set[int]] = {}
    for object_type, object_id in targets:
        if object_type in _describers and str(object_id).isdigit():
            by_type.setdefault(object_type, set()).add(int(object_id))
    found = {}
    for object_type, ids in by_type.items():
        for object_id, shown in _describers[object_type](ids).items():
            found[(object_type, str(object_id))] = shown
    return found
