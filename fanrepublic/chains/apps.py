from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "fanrepublic.chains"
    label = "chains"
    verbose_name = _("Chain sign-ups")

    def ready(self):
        from . import handlers  # noqa: F401  (counters kept when a line is deleted outside the services)
