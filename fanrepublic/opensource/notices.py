from django.utils.translation import gettext as _

from .enums import ContributionKind, TitleRank


def _rank(params: dict) -> str:
    rank, number = params.get("rank"), params.get("number")
    label = str(TitleRank(rank).label) if rank in TitleRank.values else str(rank or "")
    return _("%(title)s No. %(number)s") % {"title": label, "number": number} if number else label


def notice_text(params: dict) -> str:
    what = params.get("what")
    if what == "linked":
        return _("Your %(host)s account %(login)s is linked: its contributions count for you") % {
            "host": params.get("host", ""),
            "login": params.get("login", ""),
        }
    if what == "counted":
        kind = params.get("kind")
        label = str(ContributionKind(kind).label) if kind in ContributionKind.values else ""
        return _("Your contribution counts: %(title)s (%(kind)s)") % {
            "title": params.get("title", ""),
            "kind": label,
        }
    if what == "title":
        return _("You earned a title: %(title)s") % {"title": _rank(params)}
    if what == "revoked":
        return _("Your title %(title)s was revoked: %(reason)s") % {
            "title": _rank(params),
            "reason": params.get("reason", ""),
        }
    if what == "submitted":
        return _("A contribution waits for your approval in %(repository)s: %(title)s") % {
            "repository": params.get("repository", ""),
            "title": params.get("title", ""),
        }
    if what == "declined":
        return _("Your contribution “%(title)s” was not approved: %(reason)s") % {
            "title": params.get("title", ""),
            "reason": params.get("reason", ""),
        }
    return _("News from the open-source programme")
