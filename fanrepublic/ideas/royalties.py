"""The royalty rule, in one place, with no database: the statements are computed by it,
and `manage.py recount_royalties` recomputes a downloaded statement file by it.

Published rule (docs/ideas.md, "Royalties"):
1. A statement counts, for its month, every sales line of the adopted product's SKUs
   (in yuan) not counted before whose sale happened before the month's end and after the
   author accepted the agreement, and every refund line of such a sale not counted
   before that arrived before the month's end. A line is counted once.
2. Net sales to date = the sum of the sales counted so far less the refunds, in fen.
3. Royalties due to date = net sales to date × the rate, rounded to the fen, half up
   (a half fen rounds away from zero).
4. Paid this month = royalties due to date less what was paid before, when that is
   positive; otherwise 0 — refunds beyond the month's sales are recouped from later
   royalties, never taken back from the author's wallet.
5. Tax withheld = paid this month × the tax rate in force, rounded the same way; the
   author's wallet receives the rest.

So the statements' payments add up to the rate times the net sales (rounded once, not
month by month), and never to less than what an earlier month already paid.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def share(amount_fen: int, rate: Decimal) -> int:
    """`amount_fen` × `rate`, to the fen, half up (away from zero)."""
    return int((Decimal(amount_fen) * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Month:
    sales_fen: int
    refunds_fen: int
    cumulative_net_fen: int
    due_to_date_fen: int
    payable_fen: int
    withheld_fen: int

    @property
    def credited_fen(self) -> int:
        return self.payable_fen - self.withheld_fen


def next_month(
    *, sales_fen: int, refunds_fen: int, rate, tax_rate, net_before_fen: int, paid_before_fen: int
) -> Month:
    cumulative = net_before_fen + sales_fen - refunds_fen
    due = share(cumulative, rate)
    payable = max(0, due - paid_before_fen)
    return Month(
        sales_fen=sales_fen,
        refunds_fen=refunds_fen,
        cumulative_net_fen=cumulative,
        due_to_date_fen=due,
        payable_fen=payable,
        withheld_fen=share(payable, tax_rate),
    )


def months(monthly: list[tuple[int, int]], *, rate, tax_rate=Decimal(0)) -> list[Month]:
    """Each month's figures from (sales, refunds) in fen, month by month."""
    found, net, paid = [], 0, 0
    for sales, refunds in monthly:
        month = next_month(
            sales_fen=sales,
            refunds_fen=refunds,
            rate=rate,
            tax_rate=tax_rate,
            net_before_fen=net,
            paid_before_fen=paid,
        )
        found.append(month)
        net, paid = month.cumulative_net_fen, paid + month.payable_fen
    return found
