"""Runs every capability's demo steps (their `DemoStep` declarations) in dependency order.

The demo app sits above every capability, like `config`: it is the one place that
knows them all, and it only reads their declarations.
"""

import contextlib
import time as clock

from celery import current_app
from django.core import mail
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from fanrepublic.core.capabilities import demo_steps
from fanrepublic.core.demo import DemoRun


@contextlib.contextmanager
def _handlers_in_process():
    """Event handlers run in this process, right after each action commits, so that what
    they write (notifications, scores, points) is dated when the action happened, even
    where a Celery worker would otherwise run them later."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        yield
    finally:
        current_app.conf.task_always_eager = eager


def demo_load(*, out, members: int, topics: int) -> DemoRun:
    run = DemoRun(out=out, members=members, topics=topics)
    started = clock.monotonic()
    before = len(getattr(mail, "outbox", []))
    # The demo's notifications are composed and counted, not printed: on a laptop the
    # console mail backend would bury the summary and the logins under ~1,000 emails.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        _handlers_in_process(),
    ):
        for step in demo_steps():
            import_string(step.seeder.replace(":", "."))(run)
    run.notes["emails"] = len(getattr(mail, "outbox", [])) - before
    run.notes["seconds"] = clock.monotonic() - started
    return run
