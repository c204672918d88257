"""Periodic work in the embedded default (no broker, no `celery beat`).

In production `celery beat` sends the apps' periodic tasks (their capability.py) to the
workers. On a laptop the tasks run in-process (CELERY_TASK_ALWAYS_EAGER), so
`manage.py runserver` starts this small thread instead: it reads the same schedule and
runs the same tasks when they are due, with Celery's own schedule objects deciding when
that is.
"""

import logging
import threading
import time
from datetime import timedelta

from celery.schedules import schedule as every
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmbeddedBeat:
    def __init__(self, app, beat_schedule: dict, *, started_at=None):
        self.app = app
        app.loader.import_default_modules()  # autodiscovery of every app's tasks.py
        start = started_at or timezone.now()
        self.entries = {}
        for name, entry in beat_schedule.items():
            sched = entry["schedule"]
            if isinstance(sched, int | float):
                sched = timedelta(seconds=sched)
            if isinstance(sched, timedelta):
                sched = every(run_every=sched)
            self.entries[name] = {
                "task": entry["task"],
                "schedule": sched,
                "next_run_at": start + sched.remaining_estimate(start),
                "args": entry.get("args", ()),
                "kwargs": entry.get("kwargs", {}),
            }

    def run_due(self, now=None) -> list[str]:
        """Run every entry that is due; return the names that ran."""
        now = now or timezone.now()
        ran = []
        for name, entry in self.entries.items():
            if now < entry["next_run_at"]:
                continue
            entry["next_run_at"] = now + entry["schedule"].remaining_estimate(now)
            try:
                self.app.tasks[entry["task"]].apply(args=entry["args"], kwargs=entry["kwargs"])
                ran.append(name)
            except Exception:  # noqa: BLE001 - a failing task must not stop the others
                logger.exception("periodic task %s failed", name)
        return ran

    def loop(self, interval: float = 30.0) -> None:
        while True:
            time.sleep(interval)
            close_old_connections()
            self.run_due()
            close_old_connections()


def start(app, beat_schedule: dict) -> threading.Thread:
    """Called from AppConfig.ready(): the schedule is read in the thread, once Django has
    finished starting (importing the tasks modules during ready() would re-enter setup)."""

    def run():
        time.sleep(1)
        beat = EmbeddedBeat(app, beat_schedule)
        logger.info("embedded periodic tasks: %s", ", ".join(beat.entries))
        beat.loop()

    thread = threading.Thread(target=run, name="embedded-beat", daemon=True)
    thread.start()
    return thread
