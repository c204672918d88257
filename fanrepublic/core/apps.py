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
        from django.conf import settings

        from . import signals  # noqa: F401  (admin actions into the audit log)

        if settings.EMBEDDED_BEAT and _serving_with_runserver():
            from config.celery import app

            from .embedded_beat import start

            start(app, settings.CELERY_BEAT_SCHEDULE)
