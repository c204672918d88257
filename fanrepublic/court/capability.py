"""What the users' court adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): filing and admission, the jury draw, the hearing
(evidence, the company's response, questions, the jury room, secret verdict ballots)
and the execution of remedies, with every step's deadline watched."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import (
    Capability,
    DemoStep,
    NavEntry,
    NoticeKind,
    Pages,
    PeriodicTask,
    Verb,
)

from .notices import notice_text
from .permissions import can_set_policy, is_legal

CAPABILITY = Capability(
    label="court",
    pages=Pages("court/", "fanrepublic.court.urls"),
    verbs=(
        Verb("court.case.filed", _("A member filed a case against the company.")),
        Verb("court.case.admitted", _("Legal staff admitted a case; the jury draw's seed was committed.")),
        Verb("court.case.refused", _("Legal staff did not admit a case, with a ground and reasons.")),
        Verb("court.jury.drawn", _("A case's jury was drawn from the frozen pool with the revealed seed.")),
        Verb("court.juror.answered", _("A member drawn for a jury accepted or declined.")),
        Verb("court.jury.seated", _("Every place on a case's jury was accepted.")),
        Verb("court.evidence.added", _("A party brought a file of evidence.")),
        Verb("court.case.responded", _("The company responded to an admitted case.")),
        Verb("court.question.asked", _("A juror asked a party a question, through the clerk.")),
        Verb("court.question.answered", _("A party answered the jury's question.")),
        Verb("court.verdict.proposed", _("The foreperson put a draft verdict to the jury's ballot.")),
        Verb(
            "court.juror.served",
            _("A juror served: they voted on the verdict their jury adopted (the earning rules reward it)."),
        ),
        Verb("court.verdict.counted", _("A draft verdict's ballot closed: adopted or not, with the counts.")),
        Verb("court.verdict.accepted", _("A party accepted the verdict.")),
        Verb("court.verdict.appealed", _("A party appealed the verdict to a larger jury.")),
        Verb("court.settlement.proposed", _("A party proposed a settlement.")),
        Verb("court.settlement.answered", _("A settlement proposal was accepted, declined or withdrawn.")),
        Verb("court.case.settled", _("The parties settled a case; its remedies became obligations.")),
        Verb("court.verdict.final", _("A verdict became final; its remedies became obligations.")),
        Verb(
            "court.obligation.executed", _("A remedy was executed (a payment through the ledger, or proof).")
        ),
        Verb("court.obligation.confirmed", _("The claimant confirmed an executed remedy.")),
        Verb("court.obligation.disputed", _("The claimant disputed an executed remedy.")),
        Verb("court.ruling.published", _("Legal staff published a case's anonymised ruling.")),
        Verb("court.case.closed", _("Every remedy of a case was done; the case closed.")),
        Verb("court.deadline.missed", _("A step of a case missed its deadline and was escalated.")),
    ),
    notice_kinds=(NoticeKind("court", _("My cases and juries"), notice_text),),
    nav=(
        NavEntry("take_part", _("Users' court"), "court:index", order=80),
        NavEntry("staff", _("Court cases"), "court:queue", rule=is_legal, order=70),
        NavEntry("staff", _("Jury rules"), "court:policy", rule=can_set_policy, order=71),
    ),
    periodic_tasks=(
        PeriodicTask("court-jurors-lapse", "fanrepublic.court.tasks.jurors_lapse", 900),
        PeriodicTask("court-deadlines", "fanrepublic.court.tasks.deadlines", 3600),
    ),
    demo=(
        DemoStep(
            "court", "fanrepublic.court.demo:seed", after=("members.history", "stores", "points", "badges")
        ),
    ),
)
