"""What the chains app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): chain sign-ups (接龙) — a theme and the numbered lines
members add to it, with optional pledges, live counts, sharing, moderation and export."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, Verb

CAPABILITY = Capability(
    label="chains",
    pages=Pages("chains/", "fanrepublic.chains.urls"),
    api=Api("/chains", "fanrepublic.chains.api:router"),
    verbs=(
        Verb("chains.chain.started", _("A member or an operator started a chain sign-up.")),
        Verb("chains.chain.closed", _("A chain sign-up was closed.")),
        Verb("chains.entry.signed", _("A member added their line to a chain.")),
        Verb("chains.entry.edited", _("A member changed their line in a chain.")),
        Verb("chains.entry.withdrawn", _("A member withdrew their line from a chain.")),
    ),
    nav=(NavEntry("take_part", _("Chains"), "chains:index", order=75),),
    demo=(DemoStep("chains", "fanrepublic.chains.demo:seed", after=("members.accounts", "forum")),),
)
