"""What the governance app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, Verb

CAPABILITY = Capability(
    label="governance",
    pages=Pages("votes/", "fanrepublic.governance.urls"),
    api=Api("/votes", "fanrepublic.governance.api:router"),
    verbs=(
        Verb("governance.ballot.cast", _("A member voted (the event names the vote, never the choice).")),
        Verb("governance.vote.opened", _("A vote opened for ballots.")),
        Verb("governance.vote.closed", _("A vote closed.")),
        Verb("governance.vote.published", _("A vote's result and ballots were published.")),
    ),
    nav=(NavEntry("take_part", pgettext_lazy("fan parliament", "Votes"), "governance:index", order=40),),
    demo=(DemoStep("governance", "fanrepublic.governance.demo:seed", after=("forum",)),),
)
