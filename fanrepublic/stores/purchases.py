"""Writes for purchases: sales and refunds from points of sale and the online shop.

An order arrives as a plain dict (from the API's JSON or from a CSV file's rows), is
checked field by field with errors a person can act on, and is stored once per
(source, order number): the same order sent again, by API or in a file, is a
duplicate and changes nothing, while a different order reusing a number is refused.
Money is Decimal with its currency; an order's total is the sum of its lines.

    {"order_id": "SH-1001", "kind": "sale", "occurred_at": "2026-11-28T15:04:00+08:00",
     "channel": "store", "store": "shanghai-jingan", "currency": "CNY",
     "customer": {"phone": "+8613800138000", "name": "Li Lei"},
     "lines": [{"sku": "SU7-MAX-GRN", "product": "su7", "quantity": 1,
                "unit_price": "299900.00", "serial_number": "LSU7X0001"}]}

A refund names its sale (`"kind": "refund", "refund_of": "SH-1001"`) and each line the
sale's line it gives back (`"refunds_line": 1`).
"""

import csv
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fanrepublic.activity.models import Integration
from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.products.models import ProductLine

from . import permissions
from .enums import ContactOrigin, OrderKind, SalesChannel
from .models import Order, OrderLine, SalesSource, Store
from .services import (
    contact_find_or_create,
    contact_for_member,
    normalise_phone,
    verify_purchase_ownership,
    withdraw_refunded_serials,
)

SALE_VERB = "stores.purchase.recorded"
REFUND_VERB = "stores.purchase.refunded"
MAX_LINES = 200
MAX_AMOUNT = Decimal("9999999999.99")
MAX_CLOCK_SKEW_SECONDS = 300
CSV_COLUMNS = [
    "order_id",
    "kind",
    "refund_of",
    "occurred_at",
    "channel",
    "store",
    "currency",
    "member",
    "phone",
    "customer_name",
    "wecom_external_userid",
    "line",
    "product",
    "sku",
    "description",
    "quantity",
    "unit_price",
    "serial_number",
    "refunds_line",
]
ORDER_COLUMNS = CSV_COLUMNS[:11]


@dataclass
class CleanLine:
    position: int
    product_line: ProductLine | None
    sku: str
    description: str
    quantity: int
    unit_price: Decimal
    serial_number: str
    refunds_position: int | None


@dataclass
class CleanOrder:
    external_id: str
    kind: str
    refund_of: str
    occurred_at: datetime
    channel: str
    store: Store | None
    currency: str
    member: object | None
    phone: str
    name: str
    wecom_external_userid: str
    lines: list[CleanLine]
    total: Decimal = Decimal("0")
    fingerprint: str = ""


@dataclass
class OrderResult:
    index: int
    status: str  # created, duplicate, rejected
    order_id: str
    id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(str(message))


@dataclass
class _Known:
    """Stores, products and members an import names, looked up once per batch."""

    stores: dict
    products: dict
    members: dict
    # What the sending integration may report (None: not checked, as when reconciling).
    source: SalesSource | None = None
    source_store_ids: frozenset = frozenset()

    @classmethod
    def for_items(cls, items: list, source: SalesSource | None = None) -> "_Known":
        store_slugs, product_slugs, member_ids = set(), set(), set()
        for item in items:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("store"), str):
                store_slugs.add(item["store"])
            customer = item.get("customer")
            if isinstance(customer, dict) and _is_id(customer.get("member")):
                member_ids.add(customer["member"])
            lines = item.get("lines") if isinstance(item.get("lines"), list) else []
            for line in lines:
                if isinstance(line, dict) and isinstance(line.get("product"), str):
                    product_slugs.add(line["product"])
        return cls(
            stores={s.slug: s for s in Store.objects.filter(slug__in=store_slugs)},
            products={p.slug: p for p in ProductLine.objects.filter(slug__in=product_slugs)},
            members={m.pk: m for m in get_user_model().objects.filter(pk__in=member_ids, is_active=True)},
            source=source,
            source_store_ids=frozenset(source.stores.values_list("pk", flat=True)) if source else frozenset(),
        )


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _text(errors: _Errors, raw, key: str, *, max_length: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors.add(key, _("Send text."))
        return ""
    value = raw.strip()
    problem = text_problem(value, single_line=True)
    if problem:
        errors.add(key, problem)
        return ""
    if required and not value:
        errors.add(key, _("This is required."))
    elif len(value) > max_length:
        errors.add(key, _("At most %(n)d characters.") % {"n": max_length})
        return ""
    return value


def _money(errors: _Errors, raw, key: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        # A JSON number with a fraction is a float and may already have lost a cent.
        errors.add(key, _('Send the amount as a string such as "199.00".'))
        return Decimal("0")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors.add(key, _("Not an amount."))
        return Decimal("0")
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        errors.add(key, _("The amount must be between 0 and %(max)s.") % {"max": MAX_AMOUNT})
        return Decimal("0")
    if value != value.quantize(Decimal("0.01")):
        errors.add(key, _("At most two decimal places."))
        return Decimal("0")
    return value.quantize(Decimal("0.01"))


def _digits(value: str) -> bool:
    """ASCII digits only, and few: str.isdigit() also says yes to "²" and "١٢", which int()
    refuses or reads, and int() refuses thousands of digits."""
    return 0 < len(value) <= 12 and value.isascii() and value.isdigit()


def _positive_int(errors: _Errors, raw, key: str, *, maximum: int = 100000) -> int:
    if isinstance(raw, str) and _digits(raw.strip()):
        raw = int(raw.strip())
    if not _is_id(raw) or raw > maximum:
        errors.add(key, _("A whole number from 1 to %(max)d.") % {"max": maximum})
        return 0
    return raw


def clean_order(item, known: _Known) -> tuple[CleanOrder | None, _Errors]:
    """The order `item` describes, or the errors that keep it out (keys name the field,
    `lines.2.quantity` a line's). Checks everything that does not need the database
    beyond the lookups in `known`; refunds are checked against their sale on writing."""
    errors = _Errors()
    if not isinstance(item, dict):
        errors.add("__all__", _("Each order must be a JSON object."))
        return None, errors
    unknown = set(item) - {*ORDER_COLUMNS, "customer", "lines", "total"}
    for key in sorted(unknown)[:5]:
        errors.add(str(key)[:40], _("Unknown field."))
    external_id = _text(errors, item.get("order_id"), "order_id", max_length=100, required=True)
    kind = item.get("kind") or OrderKind.SALE
    if kind not in OrderKind.values:
        errors.add("kind", _("Either “sale” or “refund”."))
    refund_of = _text(errors, item.get("refund_of"), "refund_of", max_length=100)
    if kind == OrderKind.REFUND and not refund_of:
        errors.add("refund_of", _("A refund names the order it refunds."))
    if kind == OrderKind.SALE and refund_of:
        errors.add("refund_of", _("Only a refund names another order."))
    occurred_at = None
    raw_time = item.get("occurred_at")
    if isinstance(raw_time, str) and len(raw_time) <= 40:
        try:
            occurred_at = parse_datetime(raw_time.strip())
        except ValueError:
            occurred_at = None
    if occurred_at is None:
        errors.add("occurred_at", _("Not an ISO 8601 date and time."))
    elif timezone.is_naive(occurred_at):
        errors.add("occurred_at", _("Give a time zone offset, e.g. 2026-11-25T10:00:00+08:00."))
        occurred_at = None
    elif (occurred_at - timezone.now()).total_seconds() > MAX_CLOCK_SKEW_SECONDS:
        errors.add("occurred_at", _("The order time lies in the future."))
    channel = item.get("channel") or SalesChannel.STORE
    if channel not in SalesChannel.values:
        errors.add("channel", _("Either “store” or “online”."))
    store = None
    store_slug = item.get("store")
    if store_slug not in (None, ""):
        store = known.stores.get(store_slug) if isinstance(store_slug, str) else None
        if store is None:
            errors.add("store", _("No store has this short name."))
    elif channel == SalesChannel.STORE and kind == OrderKind.SALE:
        errors.add("store", _("A sale in a store names the store."))
    if known.source is not None:
        if store is not None and not known.source.all_stores and store.pk not in known.source_store_ids:
            errors.add("store", _("This integration does not report sales for this store."))
        if channel == SalesChannel.ONLINE and not known.source.sells_online:
            errors.add("channel", _("This integration does not report online sales."))
    currency = item.get("currency")
    if not isinstance(currency, str) or currency.upper() not in settings.STORES_CURRENCIES:
        errors.add(
            "currency",
            _("A currency code such as %(codes)s.") % {"codes": ", ".join(settings.STORES_CURRENCIES)},
        )
        currency = ""
    currency = (currency or "").upper()

    member, phone, name, wecom = None, "", "", ""
    customer = item.get("customer")
    if customer not in (None, {}):
        if not isinstance(customer, dict):
            errors.add("customer", _("The customer must be an object."))
        else:
            extra = set(customer) - {"member", "phone", "name", "wecom_external_userid"}
            for key in sorted(extra)[:5]:
                errors.add(f"customer.{str(key)[:40]}", _("Unknown field."))
            if customer.get("member") not in (None, ""):
                member = known.members.get(customer["member"]) if _is_id(customer["member"]) else None
                if known.source is not None and not known.source.names_members:
                    errors.add(
                        "customer.member",
                        _("This integration may not name members: send the customer's phone or WeCom id."),
                    )
                elif member is None:
                    errors.add("customer.member", _("No active member has this id."))
            name = _text(errors, customer.get("name"), "customer.name", max_length=100)
            wecom = _text(
                errors, customer.get("wecom_external_userid"), "customer.wecom_external_userid", max_length=64
            )
            raw_phone = customer.get("phone")
            if raw_phone not in (None, ""):
                if not isinstance(raw_phone, str):
                    errors.add("customer.phone", _("Send text."))
                else:
                    try:
                        phone = normalise_phone(raw_phone, field="customer.phone")
                    except ValidationFailed as exc:
                        for key, messages in exc.errors.items():
                            for message in messages:
                                errors.add(key, message)

    lines: list[CleanLine] = []
    raw_lines = item.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        errors.add("lines", _("An order has at least one line."))
        raw_lines = []
    elif len(raw_lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)d lines per order.") % {"n": MAX_LINES})
        raw_lines = []
    positions = set()
    for number, raw in enumerate(raw_lines, start=1):
        prefix = f"lines.{number}"
        if not isinstance(raw, dict):
            errors.add(prefix, _("Each line must be an object."))
            continue
        extra = set(raw) - {
            "line",
            "product",
            "sku",
            "description",
            "quantity",
            "unit_price",
            "serial_number",
            "refunds_line",
        }
        for key in sorted(extra)[:5]:
            errors.add(f"{prefix}.{str(key)[:40]}", _("Unknown field."))
        position = raw.get("line", number)
        position = _positive_int(errors, position, f"{prefix}.line", maximum=MAX_LINES)
        if position in positions:
            errors.add(f"{prefix}.line", _("Two lines have this number."))
        positions.add(position)
        product = None
        if raw.get("product") not in (None, ""):
            product = known.products.get(raw["product"]) if isinstance(raw["product"], str) else None
            if product is None:
                errors.add(f"{prefix}.product", _("No product line has this short name."))
        refunds_position = None
        if kind == OrderKind.REFUND:
            refunds_position = _positive_int(
                errors, raw.get("refunds_line"), f"{prefix}.refunds_line", maximum=MAX_LINES
            )
        elif raw.get("refunds_line") not in (None, ""):
            errors.add(f"{prefix}.refunds_line", _("Only a refund's lines name a sale's line."))
        lines.append(
            CleanLine(
                position=position,
                product_line=product,
                sku=_text(errors, raw.get("sku"), f"{prefix}.sku", max_length=64, required=True),
                description=_text(errors, raw.get("description"), f"{prefix}.description", max_length=200),
                quantity=_positive_int(errors, raw.get("quantity"), f"{prefix}.quantity"),
                unit_price=_money(errors, raw.get("unit_price"), f"{prefix}.unit_price"),
                serial_number=_text(
                    errors, raw.get("serial_number"), f"{prefix}.serial_number", max_length=64
                ),
                refunds_position=refunds_position,
            )
        )
    if errors:
        return None, errors
    order = CleanOrder(
        external_id=external_id,
        kind=kind,
        refund_of=refund_of,
        occurred_at=occurred_at,
        channel=channel,
        store=store,
        currency=currency,
        member=member,
        phone=phone,
        name=name,
        wecom_external_userid=wecom,
        lines=sorted(lines, key=lambda line: line.position),
    )
    order.total = sum((line.unit_price * line.quantity for line in order.lines), Decimal("0.00"))
    if order.total > MAX_AMOUNT:
        errors.add("lines", _("The order's total is too large."))
        return None, errors
    if item.get("total") not in (None, ""):
        stated = _money(errors, item["total"], "total")
        if not errors and stated != order.total:
            errors.add(
                "total",
                _("The lines add up to %(sum)s, not %(total)s.") % {"sum": order.total, "total": stated},
            )
            return None, errors
    order.fingerprint = _fingerprint(order)
    return order, errors


def _fingerprint(order: CleanOrder) -> str:
    """What the order says, so a replay (same fingerprint) is told from a different order
    that reuses a number."""
    body = {
        "kind": order.kind,
        "refund_of": order.refund_of,
        "at": order.occurred_at.astimezone(UTC).isoformat(),
        "channel": order.channel,
        "store": order.store.slug if order.store else "",
        "currency": order.currency,
        "customer": [order.member.pk if order.member else None, order.phone, order.wecom_external_userid],
        "lines": [
            [
                line.position,
                line.product_line.slug if line.product_line else "",
                line.sku,
                line.quantity,
                str(line.unit_price),
                line.serial_number,
                line.refunds_position,
            ]
            for line in order.lines
        ],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class _Duplicate(Exception):
    def __init__(self, order: Order):
        self.order = order


def _existing(integration, clean: CleanOrder) -> Order | None:
    existing = Order.objects.filter(integration=integration, external_id=clean.external_id).first()
    if existing is None:
        return None
    if existing.fingerprint != clean.fingerprint:
        raise ValidationFailed(
            {
                "order_id": [
                    _(
                        "Order %(id)s was imported before with different contents; "
                        "send a correction as a refund."
                    )
                    % {"id": clean.external_id}
                ]
            }
        )
    raise _Duplicate(existing)


def _customer(clean: CleanOrder, store: Store | None, actor):
    if clean.member is not None:
        return contact_for_member(
            member=clean.member, store=store, added_by=actor, origin=ContactOrigin.PURCHASE
        )
    if clean.phone or clean.wecom_external_userid:
        contact, _created = contact_find_or_create(
            name=clean.name,
            phone=clean.phone,
            wecom_external_userid=clean.wecom_external_userid,
            origin=ContactOrigin.PURCHASE,
            store=store,
            added_by=actor,
        )
        return contact
    return None


def _write(clean: CleanOrder, integration: Integration, actor) -> Order:
    """Store one checked order inside the caller's transaction. Raises _Duplicate for a
    replay and ValidationFailed for a refund that does not fit its sale."""
    _existing(integration, clean)
    original = None
    if clean.kind == OrderKind.REFUND:
        # Locking the sale serialises its refunds: two at once cannot give back more
        # than was sold.
        original = (
            Order.objects.select_for_update()
            .filter(integration=integration, external_id=clean.refund_of, kind=OrderKind.SALE)
            .first()
        )
        if original is None:
            raise ValidationFailed({"refund_of": [_("No sale from this source has this order number.")]})
        if (
            actor is not None
            and not permissions.can_run_network(actor)
            and not (original.store is not None and permissions.manages(actor, original.store))
        ):
            # A store manager's file refunds only their own stores' sales.
            raise ValidationFailed({"refund_of": [_("No sale from this source has this order number.")]})
        _check_refund(clean, original)
        store = clean.store or original.store
        contact = original.contact
        channel = original.channel if not clean.store else clean.channel
    else:
        store = clean.store
        contact = _customer(clean, store, actor)
        channel = clean.channel
    member = contact.member if contact is not None else None
    try:
        with transaction.atomic():
            order = Order.objects.create(
                integration=integration,
                external_id=clean.external_id,
                kind=clean.kind,
                refund_of=original,
                channel=channel,
                store=store,
                contact=contact,
                member=member,
                occurred_at=clean.occurred_at,
                currency=clean.currency,
                total=clean.total,
                fingerprint=clean.fingerprint,
                imported_by=actor,
            )
    except IntegrityError:
        # The same order arrived on another connection a moment ago.
        _existing(integration, clean)
        raise
    sale_lines = {line.position: line for line in original.lines.all()} if original else {}
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=line.position,
            product_line=line.product_line
            or (sale_lines[line.refunds_position].product_line if original else None),
            sku=line.sku,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            serial_number=line.serial_number,
            refunds_line=sale_lines.get(line.refunds_position) if original else None,
        )
        for line in clean.lines
    )
    record_event(
        verb=REFUND_VERB if original else SALE_VERB,
        actor=member,
        obj=contact or order,
        owner=member,
        channel=integration.channel,
        occurred_at=clean.occurred_at,
        source=integration.slug,
        idempotency_key=f"stores.order:{order.pk}",
        properties={
            "order": order.pk,
            "order_id": order.external_id,
            "store": store.slug if store else "",
            "sales_channel": channel,
            "currency": order.currency,
            "total": str(order.total),
            "products": sorted({line.product_line.slug for line in clean.lines if line.product_line}),
        },
    )
    verify_purchase_ownership(original or order)
    if original is not None:
        withdraw_refunded_serials(original)
    return order


def _check_refund(clean: CleanOrder, original: Order) -> None:
    errors = _Errors()
    if clean.currency != original.currency:
        errors.add(
            "currency", _("A refund is in the currency of its sale (%(c)s).") % {"c": original.currency}
        )
    if clean.occurred_at < original.occurred_at:
        errors.add("occurred_at", _("A refund cannot come before its sale."))
    sale_lines = {line.position: line for line in original.lines.all()}
    returned = defaultdict(int)
    for line in OrderLine.objects.filter(refunds_line__order=original).values(
        "refunds_line__position", "quantity"
    ):
        returned[line["refunds_line__position"]] += line["quantity"]
    for number, line in enumerate(clean.lines, start=1):
        prefix = f"lines.{number}"
        sold = sale_lines.get(line.refunds_position)
        if sold is None:
            errors.add(f"{prefix}.refunds_line", _("The sale has no line with this number."))
            continue
        returned[line.refunds_position] += line.quantity
        if returned[line.refunds_position] > sold.quantity:
            errors.add(
                f"{prefix}.quantity",
                _("Only %(n)d of this line were sold and not yet refunded.")
                % {"n": sold.quantity - (returned[line.refunds_position] - line.quantity)},
            )
        if line.unit_price > sold.unit_price:
            errors.add(
                f"{prefix}.unit_price",
                _("A refund gives back at most the price paid (%(p)s).") % {"p": sold.unit_price},
            )
        if line.product_line and line.product_line != sold.product_line:
            errors.add(f"{prefix}.product", _("The refunded line is of another product."))
        if line.sku != sold.sku:
            # Royalties and product figures follow the SKU: a refund must name what was sold.
            errors.add(f"{prefix}.sku", _("The refunded line is of another product."))
    if errors:
        raise ValidationFailed(dict(errors))


def _check_source(integration: Integration) -> SalesSource:
    """What the integration may report; refused when it may not send purchases at all."""
    if not integration.is_active:
        raise Forbidden(_("This integration is switched off."), code="integration_inactive")
    if SALE_VERB not in integration.verbs:
        raise Forbidden(
            _("This integration may not send purchases: list “%(verb)s” among its verbs.")
            % {"verb": SALE_VERB},
            code="verb_not_allowed",
        )
    source = SalesSource.objects.filter(integration=integration).first()
    if source is None:
        raise Forbidden(
            _("This integration is not connected to any store yet: an operator names its stores first."),
            code="source_not_connected",
        )
    return source


def orders_import(*, integration: Integration, items: list, actor=None) -> list[OrderResult]:
    """Import a batch of orders sent by an integration (the API). Each order stands on
    its own: a bad one is reported with its errors and the others are stored. A replay
    is stored once and answered `duplicate`, also when it races with itself."""
    source = _check_source(integration)
    if not isinstance(items, list) or not items:
        raise ValidationFailed(_("Send a list of orders."), field="orders")
    if len(items) > settings.STORES_IMPORT_MAX_BATCH:
        raise ValidationFailed(
            _("At most %(n)d orders per request.") % {"n": settings.STORES_IMPORT_MAX_BATCH}, field="orders"
        )
    known = _Known.for_items(items, source)
    results = []
    for index, item in enumerate(items):
        clean, errors = clean_order(item, known)
        order_id = item.get("order_id", "") if isinstance(item, dict) else ""
        order_id = order_id if isinstance(order_id, str) and not text_problem(order_id) else ""
        if clean is None:
            results.append(OrderResult(index, "rejected", order_id[:100], errors=dict(errors)))
            continue
        try:
            with transaction.atomic():
                order = _write(clean, integration, actor)
        except _Duplicate as dup:
            results.append(OrderResult(index, "duplicate", clean.external_id, id=dup.order.pk))
        except ValidationFailed as exc:
            results.append(OrderResult(index, "rejected", clean.external_id, errors=exc.errors))
        else:
            results.append(OrderResult(index, "created", clean.external_id, id=order.pk))
    return results


# --- CSV files ------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    """Points of sale in China often export GB 18030; everything else sends UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_("The file is neither UTF-8 nor GB 18030 text."), field="file")


def orders_from_csv(content: bytes) -> tuple[list[dict], dict[str, list[int]], list[str]]:
    """Orders as dicts from a CSV file (one row per order line, rows of an order share
    its number), the rows each order came from, and the file's own problems."""
    try:
        return _orders_from_csv(content)
    except csv.Error:
        # The csv module's own refusals (a cell over its size limit, a quote left open
        # before a line break in some dialects) are the file's problem, not a crash.
        raise ValidationFailed(
            _("The file cannot be read as CSV: a cell is too long or its quotes do not match."),
            field="file",
        ) from None


def _orders_from_csv(content: bytes) -> tuple[list[dict], dict[str, list[int]], list[str]]:
    if len(content) > settings.STORES_CSV_MAX_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(n)d MB.") % {"n": settings.STORES_CSV_MAX_BYTES // 1_000_000},
            field="file",
        )
    text = _decode(content)
    if "\x00" in text:
        raise ValidationFailed(_("The file contains a NUL character, which is not allowed."), field="file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [
        c for c in ("order_id", "occurred_at", "currency", "sku", "quantity", "unit_price") if c not in header
    ]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_("Missing columns: %(c)s.") % {"c": ", ".join(missing)})
        if unknown:
            problems.append(_("Unknown columns: %(c)s.") % {"c": ", ".join(unknown[:10])})
        raise ValidationFailed(" ".join(problems), field="file")
    reader.fieldnames = header
    orders: dict[str, dict] = {}
    rows_of: dict[str, list[int]] = defaultdict(list)
    problems: list[str] = []
    for row_number, row in enumerate(reader, start=2):
        if row_number - 1 > settings.STORES_CSV_MAX_ROWS:
            raise ValidationFailed(
                _("At most %(n)d rows per file.") % {"n": settings.STORES_CSV_MAX_ROWS}, field="file"
            )
        if None in row:
            problems.append(_("Row %(row)d: more cells than columns.") % {"row": row_number})
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        key = row.get("order_id", "")
        order_fields = {
            "order_id": key,
            "kind": row.get("kind") or "sale",
            "refund_of": row.get("refund_of", ""),
            "occurred_at": row.get("occurred_at", ""),
            "channel": row.get("channel") or "store",
            "store": row.get("store", ""),
            "currency": row.get("currency", ""),
        }
        customer = {}
        if row.get("member"):
            customer["member"] = int(row["member"]) if _digits(row["member"]) else row["member"]
        for column, name in (
            ("phone", "phone"),
            ("customer_name", "name"),
            ("wecom_external_userid", "wecom_external_userid"),
        ):
            if row.get(column):
                customer[name] = row[column]
        line = {
            "line": row.get("line") or len(rows_of[key]) + 1,
            "sku": row.get("sku", ""),
            "quantity": row.get("quantity", ""),
            "unit_price": row.get("unit_price", ""),
        }
        for column in ("product", "description", "serial_number", "refunds_line"):
            if row.get(column):
                line[column] = row[column]
        if key in orders:
            first = orders[key]
            differing = [f for f, v in order_fields.items() if first[f] != v] + (
                ["customer"] if first.get("customer", {}) != customer else []
            )
            if differing:
                problems.append(
                    _("Row %(row)d: order %(id)s has other %(fields)s than on row %(first)d.")
                    % {"row": row_number, "id": key, "fields": ", ".join(differing), "first": rows_of[key][0]}
                )
                continue
            first["lines"].append(line)
        else:
            orders[key] = {**order_fields, "lines": [line]}
            if customer:
                orders[key]["customer"] = customer
        rows_of[key].append(row_number)
    return list(orders.values()), rows_of, problems


@dataclass
class CsvImport:
    orders: int
    created: int
    duplicates: int
    rows: int


def _row_messages(order_id: str, rows: list[int], errors: dict) -> list[str]:
    """'Row 7 (order SH-1002), lines.2.quantity: …' — line errors point at their row."""
    messages = []
    for key, texts in errors.items():
        row = rows[0] if rows else 0
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) <= len(rows):
            row = rows[int(parts[1]) - 1]
            key = ".".join(parts[2:]) or "line"
        for text in texts:
            messages.append(
                _("Row %(row)d (order %(id)s), %(field)s: %(message)s")
                % {"row": row, "id": order_id or "?", "field": key, "message": text}
            )
    return messages


def orders_import_csv(*, actor, integration: Integration, content: bytes, filename: str = "") -> CsvImport:
    """Import a point-of-sale export: all or nothing. Any bad row and nothing is stored,
    every problem named by its row; a file imported before changes nothing. Operators
    import for any store; a store manager only rows of the stores they run."""
    if not permissions.can_run_network(actor) and not permissions.can_use_desk(actor):
        raise Forbidden()
    source = _check_source(integration)
    items, rows_of, problems = orders_from_csv(content)
    if not items and not problems:
        raise ValidationFailed(_("The file holds no orders."), field="file")
    known = _Known.for_items(items, source)
    cleaned = []
    for item in items:
        clean, errors = clean_order(item, known)
        if clean is None:
            problems.extend(_row_messages(item["order_id"], rows_of[item["order_id"]], errors))
            continue
        if not permissions.can_run_network(actor) and (
            clean.store is None or not permissions.manages(actor, clean.store)
        ):
            problems.append(
                _("Row %(row)d (order %(id)s): you may import only orders of the stores you run.")
                % {"row": rows_of[item["order_id"]][0], "id": clean.external_id}
            )
            continue
        if not permissions.can_run_network(actor) and clean.member is not None:
            # A member id joins the member's record to this store without their code:
            # only the network may do that; a store gives the phone and links by code.
            problems.append(
                _(
                    "Row %(row)d (order %(id)s): only the network's operators may name a member; "
                    "give the customer's phone and link them with the member's code."
                )
                % {"row": rows_of[item["order_id"]][0], "id": clean.external_id}
            )
            continue
        cleaned.append(clean)
    if problems:
        raise ValidationFailed({"file": problems})
    created = duplicates = 0
    with transaction.atomic():
        for clean in cleaned:
            try:
                with transaction.atomic():
                    _write(clean, integration, actor)
            except _Duplicate:
                duplicates += 1
            except ValidationFailed as exc:
                problems.extend(_row_messages(clean.external_id, rows_of[clean.external_id], exc.errors))
            else:
                created += 1
        if problems:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action="stores.orders.uploaded",
                target=integration,
                data={
                    "file": filename[:100],
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "orders": len(cleaned),
                    "created": created,
                    "duplicates": duplicates,
                },
            )
    if problems:
        raise ValidationFailed({"file": problems})
    return CsvImport(
        orders=len(cleaned), created=created, duplicates=duplicates, rows=sum(map(len, rows_of.values()))
    )


def order_lines_settled_through() -> int:
    """The highest order line id, with every line up to it committed and no new line
    arriving until the caller's transaction ends — a settlement cut-off (royalty
    statements count "the lines up to id N"). Ids come from a sequence, so without the
    lock an import that took id N-1 could commit after the cut-off was read and its line
    would fall behind every cut-off. On PostgreSQL the lock waits for imports in flight,
    holds new ones back and lets a second settlement wait its turn (SHARE ROW EXCLUSIVE
    conflicts with itself and with inserts, not with reads); SQLite's IMMEDIATE
    transactions already hold the one write lock. Call inside `transaction.atomic`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_lines_settled_through() needs a transaction")
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {OrderLine._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {OrderLine._meta.db_table}")  # noqa: S608 (a model's table name)
        return cursor.fetchone()[0]
