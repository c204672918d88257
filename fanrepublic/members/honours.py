"""Titles shown beside a member's name across the site. The capability that awards one
registers how its kind reads (members knows none of them), and stores the member's
current one with `services.member_honour_set`:

    register("opensource.academician", lambda value: _("Academician No. %(n)s") % {"n": value})
"""

from collections.abc import Callable

_kinds: dict[str, Callable[[str], str]] = {}


def register(kind: str, label: Callable[[str], str]) -> None:
    _kinds[kind] = label


def label(code: str) -> str:
    """The title a code stands for, in the active language ("" for none or unknown)."""
    kind, _sep, value = (code or "").partition(":")
    render = _kinds.get(kind)
    return str(render(value)) if render else ""


def known(kind: str) -> bool:
    return kind in _kinds
