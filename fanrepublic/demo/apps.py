from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Loads the demo community by running every capability's declared demo steps."""

    name = "fanrepublic.demo"
    label = "demo"
    verbose_name = _("Demo community")
