from django.utils.translation import gettext as _

from .enums import Ground


def notice_text(params: dict) -> str:
    what, case = params.get("what"), params.get("case", "")
    if what == "admitted":
        return _("Your case %(case)s was admitted: its jury will be drawn by lot") % {"case": case}
    if what == "refused":
        ground = params.get("ground")
        label = str(Ground(ground).label) if ground in Ground.values else ""
        return _("Your case %(case)s was not admitted (%(ground)s): %(reason)s") % {
            "case": case,
            "ground": label,
            "reason": params.get("reason", ""),
        }
    if what == "drawn":
        return _("The jury of case %(case)s was drawn: anyone can recompute it from the published pool") % {
            "case": case
        }
    if what == "invited":
        return _("You were drawn for the jury of case %(case)s: answer by %(when)s") % {
            "case": case,
            "when": params.get("when", ""),
        }
    if what == "seated":
        return _("The jury of case %(case)s is complete") % {"case": case}
    return _("News from the users' court")
