"""How each kind of notification reads, in the reader's language."""

from django.utils.translation import gettext as _

from .enums import NotificationKind


def notification_text(kind: str, params: dict) -> str:
    from fanrepublic.forum.enums import TopicStatus

    status = params.get("status", "")
    p = {
        "actor": params.get("actor", ""),
        "topic": params.get("topic", ""),
        "status": TopicStatus(status).label if status in TopicStatus.values else status,
    }
    if kind == NotificationKind.REPLY:
        return _("%(actor)s replied to “%(topic)s”") % p
    if kind == NotificationKind.MENTION:
        return _("%(actor)s mentioned you in “%(topic)s”") % p
    if kind == NotificationKind.QUOTE:
        return _("%(actor)s quoted your reply in “%(topic)s”") % p
    if kind == NotificationKind.STATUS:
        if params.get("status") == "duplicate":
            return _("“%(topic)s” was merged into another topic; your vote moved with it") % p
        return _("“%(topic)s” is now %(status)s") % p
    if kind == NotificationKind.RELEASE:
        p["release"] = params.get("release", "")
        return _("Your contribution “%(topic)s” shipped in %(release)s") % p
    if kind == NotificationKind.BOUNTY:
        if params.get("report_status"):
            from fanrepublic.bounty.enums import ReportStatus

            value = params["report_status"]
            p["status"] = ReportStatus(value).label if value in ReportStatus.values else value
            return _("Your bug report “%(topic)s” is now %(status)s") % p
        return _("Triage wrote on your bug report “%(topic)s”") % p
    if kind == NotificationKind.BETA:
        from fanrepublic.core.i18n import is_chinese

        if is_chinese() and params.get("topic_zh"):
            p["topic"] = params["topic_zh"]
        texts = {
            "selected": _("You were selected for “%(topic)s”: accept the NDA to start testing"),
            "waitlisted": _("You are on the waitlist of “%(topic)s”"),
            "declined": _("Your application to “%(topic)s” was not accepted this time"),
            "approved": _("Your test report in “%(topic)s” was approved"),
            "changes_requested": _("Your test report in “%(topic)s” needs changes"),
            "rejected": _("Your test report in “%(topic)s” was rejected"),
            "completed": _("You completed “%(topic)s”; your perk is on your profile"),
        }
        return texts.get(params.get("beta", ""), _("Something happened in “%(topic)s”")) % p
    if kind == NotificationKind.MODERATION:
        return _("A moderator acted on your post in “%(topic)s”") % p
    return _("Something happened in “%(topic)s”") % p
