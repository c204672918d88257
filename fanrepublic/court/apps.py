from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtConfig(AppConfig):
    name = "fanrepublic.court"
    label = "court"
    verbose_name = _("Court")

    def ready(self):
        # Register with the apps this one depends on (event handlers, profile sections,
        # wallet-history describers, release-item sources) by importing those modules here.
        from . import handlers, ledger  # noqa: F401
