"""Notification kinds are declared by the apps that send them (`notice_kinds` in their
capability.py, see core/capabilities.py); this module only names them for callers."""

from fanrepublic.core.capabilities import NoticeKind, notice_kinds


def kinds() -> list[NoticeKind]:
    """Every declared kind, in the apps' order (the settings page lists them so)."""
    return list(notice_kinds().values())
