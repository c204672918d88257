from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BetasConfig(AppConfig):
    name = "fanrepublic.betas"
    verbose_name = _("Closed betas")

    def ready(self):
        # Event handlers; profile sections; test reports as a source of release items.
        from . import handlers, profile, release_sources  # noqa: F401
