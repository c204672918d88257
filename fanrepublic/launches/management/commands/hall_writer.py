import logging
import os
import signal
import socket
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from fanrepublic.launches import ballot_queue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Store launch-hall answers accepted in Redis into the database, in batches (run one or more "
        "next to the web processes whenever Redis is configured)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="Entries per COPY (default 5000).")
        parser.add_argument("--once", action="store_true", help="Store what is waiting, then stop.")
        parser.add_argument(
            "--pause", type=float, default=0.25, help="Seconds to wait after a short batch (default 0.25)."
        )

    def handle(self, *args, batch, once, pause, **options):
        if not ballot_queue.enabled():
            raise CommandError("No ballot queue: set REDIS_URL (answers are then stored directly).")
        consumer = f"{socket.gethostname()}-{os.getpid()}"
        if once:
            ballot_queue.drain(consumer)
            return
        running = {"on": True}
        signal.signal(signal.SIGTERM, lambda *_a: running.update(on=False))
        stored, failures, recovering = 0, 0, False
        while running["on"]:
            try:
                if recovering:
                    # What this writer read before the failure is still pending for it
                    # (perhaps stored already): store it again now (a replay is stored
                    # once), rather than leave it until another writer claims it.
                    while handled := ballot_queue.write_batch(consumer, count=batch, own_pending=True):
                        stored += handled
                    recovering = False
                # Blocks up to a second for new answers, so it stops soon after SIGTERM.
                handled = ballot_queue.write_batch(consumer, count=batch, block_ms=1000)
            except Exception:
                # Redis or the database is away: what was read stays pending and is
                # read again (by this writer or another) — wait and carry on.
                failures += 1
                recovering = True
                logger.exception("storing answers failed (%d in a row)", failures)
                close_old_connections()
                time.sleep(min(10, failures))
                continue
            failures = 0
            stored += handled
            close_old_connections()
            if handled < batch:
                # Let answers gather for a moment: one COPY of many rows costs far less
                # than many COPYs of a few (a ballot waits at most this long to be stored).
                time.sleep(pause)
        self.stdout.write(f"stored {stored} answers")
