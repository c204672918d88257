"""What the users' court adds to the platform (the capability contract,
fanrepublic/core/capabilities.py). This first part is filing, admission and the jury
draw; deliberation, verdicts, execution and appeals come with the next parts (issue 16)."""

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
    ),
    notice_kinds=(NoticeKind("court", _("My cases and juries"), notice_text),),
    nav=(
        NavEntry("take_part", _("Users' court"), "court:index", order=80),
        NavEntry("staff", _("Court cases"), "court:queue", rule=is_legal, order=70),
        NavEntry("staff", _("Jury rules"), "court:policy", rule=can_set_policy, order=71),
    ),
    periodic_tasks=(PeriodicTask("court-jurors-lapse", "fanrepublic.court.tasks.jurors_lapse", 900),),
    demo=(DemoStep("court", "fanrepublic.court.demo:seed", after=("members.history", "stores")),),
)
