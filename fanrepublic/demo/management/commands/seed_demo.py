"""Load the bilingual demo community: every capability's demo steps, in dependency order
(see fanrepublic/demo/runner.py). Safe to run twice: each step adds only what is missing."""

from django.core.management.base import BaseCommand, CommandError

from fanrepublic.demo.runner import demo_load
from fanrepublic.members.demo import demo_accounts


class Command(BaseCommand):
    help = (
        "Load a bilingual demo community (accounts, forum history, economy, releases, bounty, "
        "betas, votes, committees, launches). Safe to run twice: what exists is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300, help="Number of fans (default 300).")
        parser.add_argument("--topics", type=int, default=250, help="Number of topics (default 250).")

    def handle(self, *args, members: int, topics: int, **options):
        if members < 10 or topics < 5:
            raise CommandError("Use at least --members 10 and --topics 5.")
        if demo_accounts().exists():
            self.stdout.write(
                "The demo community is already loaded; adding only what newer versions bring. "
                "Run `manage.py demo_logins` for the logins."
            )
        else:
            self.stdout.write(
                "Loading the demo community (a minute or two; it replays two months of activity)."
            )
        run = demo_load(out=self.stdout, members=members, topics=topics)
        self.stdout.write(self.style.SUCCESS(f"Demo community ready in {run.notes['seconds']:.1f} s."))
        width = max((len(label) for label, _value in run.summary), default=0)
        for label, value in run.summary:
            self.stdout.write(f"  {label:<{width}}  {value}")
        if run.notes["emails"]:
            self.stdout.write(f"  {run.notes['emails']} demo notification emails composed (not sent).")
        self.stdout.write("Run `manage.py demo_logins` to see how to sign in.")
