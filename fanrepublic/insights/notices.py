from django.utils.translation import gettext as _

from fanrepublic.core.i18n import is_chinese


def notice_text(params: dict) -> str:
    name = params.get("survey_zh") if is_chinese() and params.get("survey_zh") else params.get("survey", "")
    return _("A quick question for you: “%(survey)s” — one tap from 0 to 10") % {"survey": name}
