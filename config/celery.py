"""Celery application: background and periodic work.

In the embedded default the same tasks run in-process (CELERY_TASK_ALWAYS_EAGER), so a
laptop needs no broker; in production a worker and beat run against Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("fanrepublic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
