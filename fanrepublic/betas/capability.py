"""What the betas app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, NoticeKind, Pages, Verb

from . import handlers, permissions

CAPABILITY = Capability(
    label="betas",
    pages=Pages("betas/", "fanrepublic.betas.urls"),
    api=Api("/betas", "fanrepublic.betas.api:router"),
    verbs=(
        Verb("betas.programme.opened", _("A beta programme opened for applications.")),
        Verb("betas.application.submitted", _("A member applied to a beta programme.")),
        Verb("betas.application.selected", _("An applicant won a seat.")),
        Verb("betas.application.waitlisted", _("An applicant was put on the waitlist.")),
        Verb("betas.application.declined", _("An application was declined.")),
        Verb("betas.application.withdrawn", _("An applicant withdrew.")),
        Verb("betas.nda.accepted", _("A tester accepted the programme's NDA.")),
        Verb("betas.report.submitted", _("A tester submitted a test report.")),
        Verb("betas.report.reviewed", _("Staff reviewed a test report.")),
        Verb("betas.report.approved", _("A test report was approved (pays the earning rules).")),
        Verb("betas.completed", _("A tester completed a programme.")),
    ),
    notice_kinds=(
        NoticeKind(handlers.NOTICE, _("My beta applications and test reports"), handlers.notice_text),
    ),
    nav=(
        NavEntry("take_part", _("Betas"), "betas:index", order=30),
        NavEntry("staff", _("Beta programmes"), "betas:staff", permissions.can_manage, order=50),
    ),
    demo=(DemoStep("betas", "fanrepublic.betas.demo:seed", after=("forum",)),),
)
