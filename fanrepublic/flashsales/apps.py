from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashSalesConfig(AppConfig):
    name = "fanrepublic.flashsales"
    label = "flashsales"
    verbose_name = _("Flash sales")

    def ready(self):
        from . import handlers  # noqa: F401  (payments tell holds when they are paid or closed)
