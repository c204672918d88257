"""How each notification reads, in the reader's language: the app that declared the kind
(its capability.py) says it; notifications knows no feature app."""

from django.utils.translation import gettext as _

from fanrepublic.core.capabilities import notice_kinds


def notification_text(kind: str, params: dict) -> str:
    declared = notice_kinds().get(kind)
    if declared is None:  # a kind whose app was removed: still readable
        return _("Something happened in “%(topic)s”") % {"topic": params.get("topic", "")}
    return declared.text(params)
