"""What the committees app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, Verb

CAPABILITY = Capability(
    label="committees",
    pages=Pages("committees/", "fanrepublic.committees.urls"),
    api=Api("/committees", "fanrepublic.committees.api:router"),
    verbs=(
        Verb("committees.election.opened", _("A committee election opened for candidacies.")),
        Verb("committees.candidacy.submitted", _("A member stood for a committee seat.")),
        Verb("committees.seated", _("A member took a committee seat.")),
        Verb("committees.need.raised", _("A member raised a need for a committee.")),
        Verb("committees.need.supported", _("A member supported a need.")),
        Verb("committees.need.decided", _("A planning meeting decided on a need.")),
    ),
    nav=(NavEntry("take_part", _("Committees"), "committees:index", order=50),),
    demo=(DemoStep("committees", "fanrepublic.committees.demo:seed", after=("governance",)),),
)
