"""Recount an idea's royalty statements from the file its author downloads, by the
published rule (fanrepublic/ideas/royalties.py), independently of the database:

    (download "Download every line (CSV)" on the idea's royalty page)
    python manage.py recount_royalties royalties-<id>.csv [--tax-rate 0.20]

(Each statement carries the tax rate it withheld at; --tax-rate checks against another.)

Checks every line (amount = quantity × unit price, negative for a refund), refuses a
line listed twice, then recomputes each month from its lines — sales, refunds, net
sales to date, royalties due to date, paid this month, and (with the tax rate in force)
tax withheld and the amount paid into the wallet — and compares each with the statement.
Exits 1 on any difference."""

import csv
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fanrepublic.core.csvexport import restore
from fanrepublic.ideas import royalties
from fanrepublic.ideas.royalties_file import HEADER


class Command(BaseCommand):
    help = "Recount an idea's royalty statements from the downloaded CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The royalties CSV downloaded from the idea's royalty page.")
        parser.add_argument(
            "--tax-rate", default=None, help="The tax rate in force, to check the tax withheld."
        )

    def handle(self, *args, path, tax_rate=None, **options):
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                rows = [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(handle)]
            tax = Decimal(tax_rate) if tax_rate is not None else None
        except (OSError, ValueError, InvalidOperation) as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        if not rows or set(HEADER) - set(rows[0]):
            raise CommandError(_("%(path)s is not a royalty file.") % {"path": path})
        problems, lines, statements, seen = [], defaultdict(list), [], set()
        for row in rows:
            if row["record"] == "line":
                key = row["line_id"]
                if key in seen:
                    problems.append(_("A line is listed twice: %(order)s") % {"order": row["order"]})
                seen.add(key)
                amount, expected = int(row["amount_fen"]), int(row["quantity"]) * int(row["unit_price_fen"])
                if abs(amount) != expected:
                    problems.append(
                        _("Line %(order)s: %(a)s is not quantity × unit price")
                        % {"order": row["order"], "a": amount}
                    )
                lines[row["month"]].append(amount)
            elif row["record"] == "statement":
                statements.append(row)
        net, paid = 0, 0
        for row in statements:
            month_lines = lines.get(row["month"], [])
            # The rate each statement withheld at (the operator's, then in force), unless
            # the reader names one to check against.
            month_tax = tax if tax is not None else Decimal(row.get("tax_rate") or 0)
            found = royalties.next_month(
                sales_fen=sum(a for a in month_lines if a > 0),
                refunds_fen=-sum(a for a in month_lines if a < 0),
                rate=Decimal(row["rate"]),
                tax_rate=month_tax,
                net_before_fen=net,
                paid_before_fen=paid,
            )
            checks = {
                "sales_fen": found.sales_fen,
                "refunds_fen": found.refunds_fen,
                "net_to_date_fen": found.cumulative_net_fen,
                "due_to_date_fen": found.due_to_date_fen,
                "paid_fen": found.payable_fen,
            }
            if tax is not None or row.get("tax_rate"):
                checks.update(withheld_fen=found.withheld_fen, credited_fen=found.credited_fen)
            elif int(row["credited_fen"]) != int(row["paid_fen"]) - int(row["withheld_fen"]):
                problems.append(
                    _("%(month)s: paid into the wallet is not paid less tax") % {"month": row["month"]}
                )
            for name, value in checks.items():
                if int(row[name]) != value:
                    problems.append(
                        _("%(month)s: %(name)s is %(stated)s, the rule gives %(found)s")
                        % {"month": row["month"], "name": name, "stated": row[name], "found": value}
                    )
            self.stdout.write(
                f"{row['month']}: net to date {found.cumulative_net_fen} fen, due {found.due_to_date_fen}, "
                f"paid {found.payable_fen}"
            )
            net, paid = found.cumulative_net_fen, paid + found.payable_fen
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise SystemExit(1)
        self.stdout.write(_("Every statement matches the published rule."))
