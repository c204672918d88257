from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "fanrepublic.campaigns"
    label = "campaigns"
    verbose_name = _("Pre-order campaigns")

    def ready(self):
        from . import handlers  # noqa: F401  (payments tell backings when they are paid or refunded)
