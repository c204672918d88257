"""Bulk fulfilment: the warehouse downloads the open orders as CSV, fills in tracking
numbers or voucher codes and uploads the same file. The upload is all or nothing — a
file with any bad row changes no order, and the page lists every bad row by line — and
uploading the same file again changes nothing more.

The download is written by core's CSV writer, which puts a quote in front of any cell a
spreadsheet could run as a formula; reading the file back removes exactly that quote
(`csvexport.restore`), so the values round-trip unchanged."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from fanrepublic.core.csvexport import restore
from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed

from .enums import OrderStatus
from .models import Order
from .permissions import can_fulfil
from .services import order_fulfil

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ["order", "placed", "reward", "quantity", "member", "recipient", "phone", "address"]
FILLED_IN = ["voucher_code", "tracking"]


@dataclass
class BulkResult:
    fulfilled: int = 0
    unchanged: int = 0
    left_open: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def parse_fulfilment_csv(upload) -> list[tuple[int, dict]]:
    """(line number, row) for every data row; structural problems refuse the file."""
    if upload.size > MAX_BYTES:
        raise ValidationFailed(_("The file is larger than 2 MB."), field="file")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            _("Save the file as CSV in UTF-8 and upload it again."), field="file"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    if "order" not in headers or not any(h in headers for h in FILLED_IN):
        raise ValidationFailed(
            _("The file needs an “order” column and a “tracking” or “voucher_code” column."), field="file"
        )
    reader.fieldnames = headers
    rows = []
    for row in reader:
        if len(rows) == MAX_ROWS:
            raise ValidationFailed(_("At most %(n)d orders per file.") % {"n": MAX_ROWS}, field="file")
        rows.append((reader.line_num, {k: _cell(v) for k, v in row.items() if k}))
    if not rows:
        raise ValidationFailed(_("The file has no orders in it."), field="file")
    return rows


def _cell(value) -> str:
    """A cell as the warehouse meant it: the writer's formula guard removed, trimmed."""
    return restore((value or "").strip()).strip()


def orders_fulfil_bulk(*, actor, rows: list[tuple[int, dict]]) -> BulkResult:
    if not can_fulfil(actor):
        raise NotFound()
    result = BulkResult()
    ids = {}
    for line, row in rows:
        if row.get("order", "").isdigit():
            ids[line] = int(row["order"])
    orders = Order.objects.select_related("reward", "member").in_bulk(set(ids.values()))
    with transaction.atomic():
        for line, row in rows:
            voucher_code, tracking = row.get("voucher_code", ""), row.get("tracking", "")
            order = orders.get(ids.get(line))
            if order is None:
                result.errors.append((line, _("There is no order “%(id)s”.") % {"id": row.get("order", "")}))
                continue
            if not voucher_code and not tracking:
                result.left_open += 1
                continue
            if (
                order.status == OrderStatus.FULFILLED
                and order.voucher_code == voucher_code
                and order.tracking == tracking
            ):
                result.unchanged += 1  # the same file uploaded again
                continue
            try:
                order_fulfil(actor=actor, order=order, voucher_code=voucher_code, tracking=tracking)
            except DomainError as exc:
                result.errors.append((line, f"#{order.pk}: {exc.message}"))
            else:
                result.fulfilled += 1
        if result.errors:
            transaction.set_rollback(True)
            result.fulfilled = 0
    return result
