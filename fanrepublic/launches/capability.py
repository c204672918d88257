"""What the launches app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, NavEntry, Pages, Verb

CAPABILITY = Capability(
    label="launches",
    pages=Pages("launches/", "fanrepublic.launches.urls", hot_urls="fanrepublic.launches.hot_urls"),
    api=Api("/launches", "fanrepublic.launches.api:router"),
    verbs=(
        Verb("launches.event.started", _("A launch event went live.")),
        Verb("launches.event.ended", _("A launch event ended.")),
        Verb("launches.question.opened", _("The host opened a live question.")),
        Verb("launches.question.closed", _("The host closed a live question.")),
    ),
    nav=(NavEntry("take_part", _("Launch events"), "launches:index", order=60),),
)
