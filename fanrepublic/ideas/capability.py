"""What the ideas app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): the idea marketplace (创意市集) — members' product
proposals, support up to a threshold, review rounds on a schedule, decisions with
reasons the author and the supporters read."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import (
    Api,
    Capability,
    DemoStep,
    NavEntry,
    NoticeKind,
    Pages,
    PeriodicTask,
    Verb,
)

from .notices import notice_text
from .permissions import can_review_any

CAPABILITY = Capability(
    label="ideas",
    pages=Pages("ideas/", "fanrepublic.ideas.urls"),
    api=Api("/ideas", "fanrepublic.ideas.api:router"),
    verbs=(
        Verb("ideas.proposal.created", _("A member proposed a product idea.")),
        Verb("ideas.proposal.edited", _("An idea was edited (the earlier text is kept as a revision).")),
        Verb("ideas.proposal.withdrawn", _("An author withdrew their idea.")),
        Verb("ideas.proposal.supported", _("A member supported an idea.")),
        Verb("ideas.proposal.qualified", _("An idea reached the supporter threshold and waits for review.")),
        Verb("ideas.proposal.in_round", _("An idea was taken into a review round.")),
        Verb("ideas.proposal.reviewed", _("A reviewer recorded a recommendation on an idea.")),
        Verb("ideas.proposal.decided", _("Product staff adopted an idea or decided not to.")),
        Verb("ideas.proposal.expired", _("An idea's time to gather support ran out.")),
        Verb("ideas.comment.added", _("A member commented on an idea, or its author posted an update.")),
        Verb("ideas.adoption.offered", _("Product staff offered an adopted idea's author its agreement.")),
        Verb("ideas.adoption.accepted", _("An author accepted the adoption agreement of their idea.")),
        Verb("ideas.royalty.stated", _("A month's royalty statement was issued and paid.")),
    ),
    notice_kinds=(NoticeKind("ideas", _("Ideas I proposed or support"), notice_text),),
    periodic_tasks=(
        PeriodicTask("ideas-rounds-and-expiry", "fanrepublic.ideas.tasks.rounds_and_expiry", 3600),
    ),
    demo=(
        DemoStep(
            "ideas", "fanrepublic.ideas.demo:seed", after=("members.accounts", "products", "committees")
        ),
    ),
    nav=(
        NavEntry("take_part", _("Ideas"), "ideas:index", order=72),
        NavEntry("staff", _("Idea reviews"), "ideas:queue", rule=can_review_any, order=67),
    ),
)
