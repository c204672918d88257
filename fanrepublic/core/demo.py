"""What a demo seeder receives (the capability contract's `DemoStep`).

The demo community is two months of believable activity. Seeders write it through the
same services members and staff use, so every row, counter, event, notification and
score is what the product itself would have produced. `DemoRun.at()` sets the clock to
the moment an action happened (time-machine), which is how a service that stamps "now"
writes a reply from three weeks ago.
"""

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime

import time_machine
from django.utils import timezone

SEED = 2026


@dataclass
class DemoRun:
    out: object  # a management command's stdout
    members: int = 300
    topics: int = 250
    now: datetime = field(default_factory=timezone.now)
    summary: list[tuple[str, object]] = field(default_factory=list)
    # What one step tells a later one (e.g. which accounts it created).
    notes: dict = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A random stream per step, so one step's changes do not reshuffle another's."""
        return random.Random(f"{SEED}:{step}")

    def progress(self, message: str) -> None:
        self.out.write(f"  … {message}")

    def report(self, label: str, value: object) -> None:
        """A line of the summary printed when the demo is loaded."""
        self.summary.append((label, value))

    @contextlib.contextmanager
    def at(self, moment: datetime):
        """Run the block with the clock stopped at `moment` (never later than the run's
        start, so nothing is dated in the future)."""
        with time_machine.travel(min(moment, self.now), tick=False):
            yield
