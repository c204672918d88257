from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fanrepublic.core.i18n import is_chinese


def _title(params: dict) -> str:
    """The idea's title in the reader's language when the author gave a translation."""
    written_in_chinese = params.get("language") == "zh-hans"
    translated = params.get("proposal_translated")
    if translated and is_chinese() != written_in_chinese:
        return translated
    return params.get("proposal", "")


def notice_text(params: dict) -> str:
    title, what, count = _title(params), params.get("what"), params.get("count", 0)
    if what == "milestone":
        return ngettext(
            "“%(title)s” has %(count)d supporter",
            "“%(title)s” has %(count)d supporters",
            count,
        ) % {"title": title, "count": count}
    if what == "qualified":
        return _(
            "“%(title)s” reached the threshold with %(count)d supporters: it goes to the next review round"
        ) % {
            "title": title,
            "count": count,
        }
    if what == "in_round":
        return _("“%(title)s” is being reviewed in this round") % {"title": title}
    if what == "expired":
        return _("“%(title)s” did not reach the threshold in time and has expired") % {"title": title}
    if what == "adopted":
        return _("“%(title)s” was adopted: read the reasons") % {"title": title}
    if what == "declined":
        return _("“%(title)s” was not adopted this time: read the reasons") % {"title": title}
    if what == "offered":
        return _("“%(title)s”: your adoption agreement is ready to read and accept") % {"title": title}
    if what == "statement":
        return _("Royalty statement for “%(title)s”, %(period)s: ¥%(yuan)s paid into your wallet") % {
            "title": title,
            "period": params.get("period", ""),
            "yuan": f"{params.get('fen', 0) / 100:,.2f}",
        }
    return _("News from “%(title)s”") % {"title": title}
