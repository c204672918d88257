from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "fanrepublic.forum"
    label = "forum"
    verbose_name = _("Feedback forum")

    def ready(self):
        from . import ledger, notices, profile  # noqa: F401  (wallet links, notifications, profile topics)
