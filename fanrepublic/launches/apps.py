from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaunchesConfig(AppConfig):
    name = "fanrepublic.launches"
    verbose_name = _("Launch events")
