"""What the bounty app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, NoticeKind, Pages, Verb

from . import handlers, permissions

CAPABILITY = Capability(
    label="bounty",
    pages=Pages("bounty/", "fanrepublic.bounty.urls"),
    api=Api("/bounty", "fanrepublic.bounty.api:router"),
    verbs=(
        Verb("bounty.report.filed", _("A member filed a bug-bounty report.")),
        Verb("bounty.report.triaged", _("Triage changed a report's status.")),
        Verb("bounty.report.valid", _("A report was judged valid (pays the reward table).")),
        Verb("bounty.report.message", _("A message was added to a report's conversation.")),
        Verb("bounty.report.fixed", _("The fix for a report shipped.")),
        Verb("bounty.report.disclosed", _("A security report was disclosed.")),
    ),
    notice_kinds=(NoticeKind(handlers.NOTICE, _("Triage of my bug bounty reports"), handlers.notice_text),),
    nav=(
        NavEntry("take_part", _("Bug bounty"), "bounty:programme", order=20),
        NavEntry("staff", _("Triage queue"), "bounty:queue", permissions.can_triage, order=40),
    ),
    demo=(DemoStep("bounty", "fanrepublic.bounty.demo:seed", after=("releases",)),),
)
