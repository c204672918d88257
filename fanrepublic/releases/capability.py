"""What the releases app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, NoticeKind, Pages, Verb

from . import handlers, permissions

CAPABILITY = Capability(
    label="releases",
    pages=Pages("releases/", "fanrepublic.releases.urls"),
    api=Api("/releases", "fanrepublic.releases.api:router"),
    verbs=(
        Verb("releases.release.published", _("A release was published.")),
        Verb("releases.item.shipped", _("A change shipped in a published release (pays its contributor).")),
    ),
    notice_kinds=(
        NoticeKind(handlers.NOTICE, _("My contributions shipping in a release"), handlers.notice_text),
    ),
    nav=(
        NavEntry("take_part", _("Changelog"), "releases:index", order=10),
        NavEntry("staff", _("Release planning"), "releases:plan", permissions.can_plan, order=30),
    ),
    demo=(DemoStep("releases", "fanrepublic.releases.demo:seed", after=("forum",)),),
)
