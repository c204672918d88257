from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BountyConfig(AppConfig):
    name = "fanrepublic.bounty"
    verbose_name = _("Bug bounty")

    def ready(self):
        # Event handlers; wallet history labels; the bounty as a source of release items.
        from . import handlers, ledger, release_sources  # noqa: F401
