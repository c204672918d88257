from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpensourceConfig(AppConfig):
    name = "fanrepublic.opensource"
    label = "opensource"
    verbose_name = _("Open-source programme")

    def ready(self):
        from . import honours, profile  # noqa: F401  (titles beside names; the record on profiles)
