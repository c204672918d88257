from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "fanrepublic.releases"
    verbose_name = _("Release train")

    def ready(self):
        from . import handlers  # noqa: F401  (event handlers register themselves)
