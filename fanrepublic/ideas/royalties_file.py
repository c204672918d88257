"""The royalty file an author downloads and `manage.py recount_royalties` reads back: one
row per counted line and one per statement, amounts in fen (whole numbers)."""

HEADER = (
    "record",
    "month",
    "line_id",
    "order",
    "time",
    "sku",
    "quantity",
    "unit_price_fen",
    "amount_fen",
    "rate",
    "sales_fen",
    "refunds_fen",
    "net_to_date_fen",
    "due_to_date_fen",
    "paid_fen",
    "withheld_fen",
    "credited_fen",
    "tax_rate",
)
