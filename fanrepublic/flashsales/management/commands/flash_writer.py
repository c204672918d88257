import os
import socket

from django.core.management.base import BaseCommand, CommandError

from fanrepublic.core.stream_writer import run_writer
from fanrepublic.flashsales import admission


class Command(BaseCommand):
    help = (
        "Store flash-sale holds decided in Redis into the database, in batches (run one or more next "
        "to the web processes whenever Redis is configured)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="Holds per transaction (default 2000).")
        parser.add_argument("--once", action="store_true", help="Store what is waiting, then stop.")
        # Short: a member waits for their hold to be stored before they can pay.
        parser.add_argument(
            "--pause", type=float, default=0.05, help="Seconds to wait after a short batch (default 0.05)."
        )

    def handle(self, *args, batch, once, pause, **options):
        if not admission.enabled():
            raise CommandError("No flash admission in Redis: set REDIS_URL (holds are then stored directly).")
        consumer = f"{socket.gethostname()}-{os.getpid()}"
        if once:
            admission.drain(consumer)
            return
        stored = run_writer(
            admission.write_batch, consumer=consumer, batch=batch, pause=pause, what="flash holds"
        )
        self.stdout.write(f"stored {stored} holds")
