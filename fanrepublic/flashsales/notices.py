from django.utils.translation import gettext as _

from fanrepublic.core.i18n import is_chinese


def notice_text(params: dict) -> str:
    name = params.get("sale_zh") if is_chinese() and params.get("sale_zh") else params.get("sale", "")
    return _("Your hold on unit %(unit)s of “%(sale)s” runs out in a minute: pay now to keep it") % {
        "unit": params.get("unit", ""),
        "sale": name,
    }
