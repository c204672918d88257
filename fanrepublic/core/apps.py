import os
import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _serving_with_runserver() -> bool:
    # runserver's autoreloader starts the code twice; only the child (RUN_MAIN) serves.
    return (
        len(sys.argv) > 1
        and sys.argv[1] == "runserver"
        and (os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv)
    )


class CoreConfig(AppConfig):
    name = "fanrepublic.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from celery import current_app
        from django.conf import settings

        from . import signals  # noqa: F401  (admin actions into the audit log)
        from .capabilities import beat_schedule

        # The project's Celery app (config/celery.py makes it current; core does not import
        # config) runs what the apps declare, under `celery beat` or the embedded beat.
        current_app.conf.beat_schedule = beat_schedule()
        if settings.EMBEDDED_BEAT and _serving_with_runserver():
            from .embedded_beat import start

            start(current_app, current_app.conf.beat_schedule)
