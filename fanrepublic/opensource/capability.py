"""What the opensource app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): the open-source programme (代码开源运动) — opened
repositories, the contributor licence agreement, contributions from the git hosts'
signed webhooks and approved non-code work, and the titles they earn (Academicians)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, NoticeKind, Pages, Verb

from .notices import notice_text
from .permissions import maintains_any

WEBHOOK_ENDPOINT = "/opensource/hooks/"

CAPABILITY = Capability(
    label="opensource",
    pages=Pages("opensource/", "fanrepublic.opensource.urls"),
    api=Api("/opensource", "fanrepublic.opensource.api:router"),
    verbs=(
        Verb(
            "opensource.contribution.merged",
            _("A member's pull request was merged in an opened repository (from the host's signed webhook)."),
            external=True,
            endpoint=WEBHOOK_ENDPOINT,
        ),
        Verb(
            "opensource.contribution.reviewed",
            _("A member reviewed a pull request in an opened repository (from the host's signed webhook)."),
            external=True,
            endpoint=WEBHOOK_ENDPOINT,
        ),
        Verb("opensource.contribution.submitted", _("A member submitted non-code work for approval.")),
        Verb("opensource.contribution.approved", _("A maintainer approved a member's non-code work.")),
        Verb("opensource.cla.accepted", _("A member accepted the contributor licence agreement.")),
        Verb("opensource.account.linked", _("A member's git account was verified and linked.")),
        Verb("opensource.account.unlinked", _("A member unlinked a git account.")),
        Verb("opensource.title.awarded", _("A contributor earned a title (Academician, core contributor…).")),
        Verb("opensource.title.revoked", _("A maintainer revoked a contributor's title, with a reason.")),
    ),
    notice_kinds=(NoticeKind("opensource", _("Open-source contributions and titles"), notice_text),),
    demo=(
        DemoStep("opensource", "fanrepublic.opensource.demo:seed", after=("members.accounts", "releases")),
    ),
    nav=(
        NavEntry("take_part", _("Open source"), "opensource:index", order=74),
        NavEntry("staff", _("Contribution approvals"), "opensource:queue", rule=maintains_any, order=68),
    ),
)
