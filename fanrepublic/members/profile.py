"""What other apps show on a member's profile. The app that has something to show
registers a section here (members knows none of them): badges and perks on the card,
the forum's topics in the main column, staff tools in the moderation box."""

from collections.abc import Callable
from dataclasses import dataclass

SLOTS = ("card", "main", "moderation")


@dataclass(frozen=True)
class ProfileSection:
    slot: str
    template: str
    order: int
    # (member, viewer) -> the template's context, or None when there is nothing to show.
    context: Callable[[object, object], dict | None]


_sections: list[ProfileSection] = []


def profile_section(*, slot: str, template: str, order: int = 100):
    """Register `func(member, viewer) -> dict | None` as a section of the profile page."""
    if slot not in SLOTS:
        raise ValueError(f"unknown profile slot {slot!r}")

    def register(func):
        if all(s.context is not func for s in _sections):
            _sections.append(ProfileSection(slot, template, order, func))
            _sections.sort(key=lambda s: (SLOTS.index(s.slot), s.order))
        return func

    return register


def sections_for(slot: str, *, member, viewer) -> list[tuple[str, dict]]:
    shown = []
    for section in _sections:
        if section.slot == slot:
            context = section.context(member, viewer)
            if context is not None:
                shown.append((section.template, context))
    return shown
