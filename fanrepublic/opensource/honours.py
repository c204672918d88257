"""How the programme's titles read beside a member's name across the site (members.honours)."""

from django.utils.translation import gettext as _

from fanrepublic.members.honours import register

from .enums import TitleRank

register("opensource.academician", lambda number: _("Academician No. %(n)s") % {"n": number})
register("opensource.core", lambda _value: str(TitleRank.CORE.label))
register("opensource.contributor", lambda _value: str(TitleRank.CONTRIBUTOR.label))


def honour_code(title) -> str:
    """The code a title is shown by ("" for none)."""
    if title is None:
        return ""
    return f"opensource.{title.rank}:{title.number or ''}"
