from django.utils.translation import gettext as _

from fanrepublic.core.i18n import is_chinese


def notice_text(params: dict) -> str:
    name = (
        params.get("campaign_zh")
        if is_chinese() and params.get("campaign_zh")
        else params.get("campaign", "")
    )
    what = params.get("what")
    if what == "succeeded":
        return _("“%(campaign)s” met its goal: your deposit is captured and your pre-order goes ahead") % {
            "campaign": name
        }
    if what == "failed":
        return _("“%(campaign)s” did not meet its goal: your deposit is refunded in full") % {
            "campaign": name
        }
    if what == "cancelled":
        return _("“%(campaign)s” was called off: your deposit is refunded in full") % {"campaign": name}
    update = params.get("update_zh") if is_chinese() and params.get("update_zh") else params.get("update", "")
    return _("News from “%(campaign)s”: %(update)s") % {"campaign": name, "update": update}
