"""Notification kinds are declared by the apps that send them (`notice_kinds` in their
capability.py, see core/capabilities.py); this module only names them for callers."""

from fanrepublic.core.capabilities import NoticeKind, notice_kinds


def kinds(member=None) -> list[NoticeKind]:
    """Every declared kind, in the apps' order (the settings page lists them so); given
    a member, the ones offered to them."""
    declared = list(notice_kinds().values())
    if member is None:
        return declared
    return [kind for kind in declared if kind.offered_to is None or kind.offered_to(member)]
