import os
import socket

from django.core.management.base import BaseCommand, CommandError

from fanrepublic.core.stream_writer import run_writer
from fanrepublic.launches import ballot_queue


class Command(BaseCommand):
    help = (
        "Store launch-hall answers accepted in Redis into the database, in batches (run one or more "
        "next to the web processes whenever Redis is configured)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="Entries per COPY (default 5000).")
        parser.add_argument("--once", action="store_true", help="Store what is waiting, then stop.")
        # One COPY of many rows costs far less than many COPYs of a few (an answer
        # waits at most this long to be stored).
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
        stored = run_writer(
            ballot_queue.write_batch, consumer=consumer, batch=batch, pause=pause, what="answers"
        )
        self.stdout.write(f"stored {stored} answers")
