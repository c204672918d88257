from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BetasConfig(AppConfig):
    name = "fanrepublic.betas"
    verbose_name = _("Closed betas")

    def ready(self):
        from . import handlers  # noqa: F401  (event handlers register themselves)
