from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "fanrepublic.trust"
    label = "trust"
    verbose_name = _("Trust thermometer")

    def ready(self):
        # Temperatures and rules follow the event log; the stores' customer page shows
        # the temperature through the section this app registers there; the tasks are
        # registered with Celery now, because services send one by name.
        from . import handlers, sections, tasks  # noqa: F401
