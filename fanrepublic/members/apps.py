from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "fanrepublic.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import handlers  # noqa: F401  (subscribes to activity events)
