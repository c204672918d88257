"""What the flash-sales app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): limited batches that open at a set time, a waiting
room with a verifiable draw, units held while the buyer pays and sold exactly once."""

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
from .permissions import can_run_sales

CAPABILITY = Capability(
    label="flashsales",
    pages=Pages("flash/", "fanrepublic.flashsales.urls", hot_urls="fanrepublic.flashsales.hot_urls"),
    api=Api("/flash", "fanrepublic.flashsales.api:router"),
    verbs=(
        Verb("flashsales.queue.joined", _("A member joined a flash sale's waiting room before it opened.")),
        Verb("flashsales.unit.sold", _("A member paid for a unit held for them in a flash sale.")),
    ),
    notice_kinds=(NoticeKind("flash", _("My flash-sale reservations"), notice_text),),
    periodic_tasks=(PeriodicTask("expire-flash-holds", "fanrepublic.flashsales.tasks.expire_holds", 15),),
    nav=(
        NavEntry("take_part", _("Flash sales"), "flashsales:index", order=77),
        NavEntry("staff", _("Flash sales"), "flashsales:console", rule=can_run_sales, order=67),
    ),
    demo=(DemoStep("flashsales", "fanrepublic.flashsales.demo:seed", after=("members.accounts",)),),
)
