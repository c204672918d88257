from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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
    text = SIMPLE.get(what)
    if text is not None:
        return str(text) % {
            "case": case,
            "when": params.get("when", ""),
            "note": params.get("note", ""),
            "remedy": params.get("remedy", ""),
        }
    return _("News from the users' court")


# Notices whose text needs only the case and, where it says so, a time or the words given.
SIMPLE = {
    "respond": _lazy("Case %(case)s was admitted: the company responds by %(when)s"),
    "responded": _lazy("The company responded in case %(case)s"),
    "deliberate": _lazy("You sit on the jury of case %(case)s: the verdict is due by %(when)s"),
    "question": _lazy("A juror of case %(case)s asked a question for the clerk to forward"),
    "asked": _lazy("The jury of case %(case)s asks you a question: answer by %(when)s"),
    "answered": _lazy("A party answered the jury's question in case %(case)s"),
    "ballot": _lazy("The foreperson of case %(case)s put a draft verdict to your secret ballot"),
    "not_adopted": _lazy("The draft verdict of case %(case)s was not adopted: the foreperson writes another"),
    "decided": _lazy(
        "The jury gave its verdict in case %(case)s: it is final when both parties accept it, or on %(when)s"
    ),
    "final": _lazy("The verdict of case %(case)s is final"),
    "owe": _lazy("You own the remedies of case %(case)s: execute them by %(when)s"),
    "executed": _lazy("A remedy of case %(case)s was executed: confirm it, or say what is wrong"),
    "disputed": _lazy("The claimant disputes a remedy of case %(case)s: %(note)s"),
    "reopened": _lazy("A remedy of case %(case)s is open again: due by %(when)s"),
    "closed": _lazy("Case %(case)s is closed: every remedy was executed"),
    "late_response": _lazy("The company missed its time to respond in case %(case)s"),
    "late_answer": _lazy("A party has not answered the jury's question in case %(case)s in time"),
    "late_verdict": _lazy("The jury of case %(case)s gave no verdict in time"),
    "due_soon": _lazy("A remedy of case %(case)s is due by %(when)s"),
    "appealed": _lazy("The verdict of case %(case)s was appealed: a larger jury will hear it"),
    "settlement": _lazy("A settlement is proposed in case %(case)s: read the terms and answer"),
    "settlement_declined": _lazy("Your settlement proposal in case %(case)s was declined"),
    "settlement_withdrawn": _lazy("The settlement proposal in case %(case)s was withdrawn"),
    "settled": _lazy("Case %(case)s was settled in mediation"),
    "late_remedy": _lazy("Late: a remedy of case %(case)s (%(remedy)s) was not executed in time"),
}
