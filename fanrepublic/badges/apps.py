from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "fanrepublic.badges"
    label = "badges"
    verbose_name = _("Badges")

    def ready(self):
        from . import handlers, profile  # noqa: F401  (event handlers; profile sections)
