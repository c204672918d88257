import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fanrepublic.payments.providers.registry import enabled_codes
from fanrepublic.payments.reconcile import bill_check


class Command(BaseCommand):
    help = (
        "Download each payment provider's daily bill and compare it with the payments, refunds "
        "and ledger postings recorded here. Prints every difference and exits non-zero when "
        "there is any (or a bill could not be read)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the bill's day, YYYY-MM-DD (default: yesterday, China time)")
        parser.add_argument("--provider", action="append", help="only this provider (repeatable)")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        else:
            day = timezone.localdate() - datetime.timedelta(days=1)
        codes = options["provider"] or enabled_codes()
        unknown = sorted(set(codes) - set(enabled_codes()))
        if unknown:
            raise CommandError(f"not an enabled provider: {', '.join(unknown)}")
        failed = 0
        for code in codes:
            check = bill_check(provider_code=code, day=day)
            if check.error:
                failed += 1
                self.stderr.write(f"{code} {day}: the bill could not be read: {check.error}")
                continue
            for diff in check.differences:
                failed += 1
                self.stderr.write(
                    f"{code} {day} {diff['kind']} {diff['reference']}: {diff['problem']} "
                    f"(bill {diff['bill_fen']}, here {diff['ours_fen']}, ledger {diff['ledger_fen']} fen)"
                )
            self.stdout.write(
                f"{code} {day}: {check.lines} bill line(s), {len(check.differences)} difference(s)"
            )
        if failed:
            raise CommandError(f"{failed} difference(s) between the bills and the ledger")
        self.stdout.write(self.style.SUCCESS("payments reconciled: every bill matches the ledger"))
