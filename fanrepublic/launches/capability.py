"""What the launches app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, Verb

CAPABILITY = Capability(
    label="launches",
    pages=Pages("launches/", "fanrepublic.launches.urls", hot_urls="fanrepublic.launches.hot_urls"),
    api=Api("/launches", "fanrepublic.launches.api:router"),
    verbs=(
        Verb("launches.event.started", _("A launch event went live.")),
        Verb("launches.event.ended", _("A launch event ended.")),
        Verb("launches.question.opened", _("The host opened a live question.")),
        Verb("launches.question.closed", _("The host closed a live question.")),
        Verb("launches.event.joined", _("A member joined a launch event's hall.")),
        Verb(
            "launches.answer.cast",
            _("A member answered a live question (the event names the question, never the answer)."),
        ),
    ),
    nav=(NavEntry("take_part", _("Launch events"), "launches:index", order=60),),
    demo=(DemoStep("launches", "fanrepublic.launches.demo:seed", after=("forum",)),),
)
