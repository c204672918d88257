"""What the notifications app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, NavEntry, Pages

CAPABILITY = Capability(
    label="notifications",
    pages=Pages("notifications/", "fanrepublic.notifications.urls"),
    api=Api("/notifications", "fanrepublic.notifications.api:router"),
    nav=(NavEntry("account", _("Notification settings"), "notifications:preferences", order=40),),
)
