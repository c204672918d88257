from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BountyConfig(AppConfig):
    name = "fanrepublic.bounty"
    verbose_name = _("Bug bounty")

    def ready(self):
        from . import handlers  # noqa: F401  (event handlers register themselves)
