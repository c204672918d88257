from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "fanrepublic.rewards"
    label = "rewards"
    verbose_name = _("Rewards store")

    def ready(self):
        from . import ledger  # noqa: F401  (orders in wallet histories)
