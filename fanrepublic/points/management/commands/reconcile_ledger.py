from django.core.management.base import BaseCommand, CommandError

from fanrepublic.points.selectors import ledger_problems


class Command(BaseCommand):
    help = (
        "Verify the ledger: every transaction balances per currency and has two or more postings, "
        "every cached balance equals the sum of its postings, no protected account is negative, "
        "wallet lots add up to balances. Exits non-zero with a report when anything is wrong."
    )

    def handle(self, *args, **options):
        problems = ledger_problems()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} ledger invariant(s) violated")
        self.stdout.write(self.style.SUCCESS("ledger reconciled: every invariant holds"))
