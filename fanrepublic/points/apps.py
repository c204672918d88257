from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "fanrepublic.points"
    label = "points"
    verbose_name = _("Points ledger")

    def ready(self):
        from . import handlers, profile  # noqa: F401  (event handlers; profile sections)
