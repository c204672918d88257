"""Compare a source system's export with the purchases stored from it.

    python manage.py reconcile_purchases pos-shanghai export-2026-11-28.csv

Prints one line per day, store and currency (orders and signed totals on both sides)
and the order numbers missing or stored differently; exits with status 1 when anything
differs, so a nightly job can alert."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fanrepublic.activity.models import Integration
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.stores.reconcile import reconcile, source_items


class Command(BaseCommand):
    help = "Compare a point-of-sale or online-shop export with the purchases stored from it."

    def add_arguments(self, parser):
        parser.add_argument("integration", help="short name of the integration the orders came from")
        parser.add_argument("file", help="the source's export: CSV (one row per order line) or JSON")

    def handle(self, *args, integration, file, **options):
        source = Integration.objects.filter(slug=integration).first()
        if source is None:
            raise CommandError(f"no integration is called {integration!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file at {file}")
        try:
            items = source_items(path.read_bytes(), path.name)
        except (ValidationFailed, ValueError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        report = reconcile(integration=source, items=items)
        self.stdout.write(f"{'day':<10}  {'store':<24} cur  {'source':>16}  {'stored':>16}  ")
        for g in report.groups:
            flag = "ok" if g.matches else "DIFFERS"
            self.stdout.write(
                f"{g.day:<10}  {g.store or '(online)':<24} {g.currency}  "
                f"{g.source_orders:>5} {g.source_total:>10}  "
                f"{g.stored_orders:>5} {g.stored_total:>10}  {flag}"
            )
        for label, ids in (
            ("missing", report.missing),
            ("changed", report.changed),
            ("unreadable", report.unreadable),
        ):
            if ids:
                self.stdout.write(
                    f"{label} ({len(ids)}): {', '.join(ids[:50])}{' …' if len(ids) > 50 else ''}"
                )
        if report.matches:
            self.stdout.write(self.style.SUCCESS("The stored purchases match the source."))
            return
        self.stderr.write(self.style.ERROR("The stored purchases differ from the source."))
        raise SystemExit(1)
