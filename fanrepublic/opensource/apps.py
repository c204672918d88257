from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpensourceConfig(AppConfig):
    name = "fanrepublic.opensource"
    label = "opensource"
    verbose_name = _("Open-source programme")

    def ready(self):
        # Titles beside names, the record on profiles, merged changes as release items.
        from . import handlers, honours, profile, release_sources  # noqa: F401
