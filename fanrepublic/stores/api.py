from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema, Status

from fanrepublic.activity.auth import integration_auth
from fanrepublic.core.api import BodyId, Id
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope
from fanrepublic.members.enums import TokenScope

from . import purchases, selectors, services

router = Router(tags=["stores"])


class StoreOut(Schema):
    slug: str
    name: str
    name_zh: str
    city: str
    city_zh: str
    address: str
    address_zh: str
    opening_hours: str
    opening_hours_zh: str
    phone: str


@router.get("", response=list[StoreOut], auth=PUBLIC)
def stores(request):
    """The open stores, by city."""
    return list(selectors.stores_open())


class OrderBatchIn(Schema):
    # Loose items, so that one bad order is reported by index instead of failing the batch.
    orders: list[Any]


class OrderResultOut(Schema):
    index: int
    status: str
    order_id: str
    id: int | None
    errors: dict[str, list[str]]


class OrderBatchOut(Schema):
    created: int
    duplicates: int
    rejected: int
    results: list[OrderResultOut]


@router.post("/orders", response={200: OrderBatchOut}, auth=[integration_auth])
def import_orders(request, payload: OrderBatchIn):
    """Import up to 500 sales and refunds from a point of sale or the online shop. Needs
    an integration's token whose integration lists `stores.purchase.recorded`. Each order:
    `order_id` (unique per integration: a replay is stored once and answered `duplicate`;
    another order reusing the number is rejected), `kind` (`sale`|`refund`), `refund_of`
    (a refund's sale), `occurred_at` (ISO 8601 with offset), `channel` (`store`|`online`),
    `store` (short name), `currency` (ISO 4217), optional `total` (checked against the
    lines), `customer` (`member` id, or `phone`/`name`/`wecom_external_userid`), and
    `lines`: `sku`, `product` (product line's short name), `quantity`, `unit_price`
    (a string such as "199.00"), `serial_number`, and for refunds `refunds_line`."""
    results = purchases.orders_import(integration=request.integration, items=payload.orders)
    return {
        "created": sum(r.status == "created" for r in results),
        "duplicates": sum(r.status == "duplicate" for r in results),
        "rejected": sum(r.status == "rejected" for r in results),
        "results": [r.__dict__ for r in results],
    }


class CheckInIn(Schema):
    store: str = Field(..., max_length=50)
    code: str = Field(..., max_length=100)


class StoreVisitOut(Schema):
    id: int
    store: str = Field(..., alias="store.slug")
    source: str
    visited_at: datetime
    visit_day: date


@router.post("/check-in", response={200: StoreVisitOut, 201: StoreVisitOut}, auth=MEMBER)
def check_in(request, payload: CheckInIn):
    """Check in at a store with the code from its QR code (the last part of the URL it
    carries): the counter screen's code of this minute, or the printed sign's code of
    today. Once a day per store. A code whose time is over answers 404 with the error
    code `checkin_code_expired`; any other refused code answers `not_found`."""
    visit, created = services.visit_check_in(
        member=require_scope(request), store_slug=payload.store, code=payload.code
    )
    return Status(201 if created else 200, visit)


class PurchaseLineOut(Schema):
    position: int
    product: str | None = Field(None, alias="product_line.slug")
    sku: str
    description: str
    quantity: int
    unit_price: Decimal
    serial_number: str


class PurchaseOut(Schema):
    id: int
    order_id: str = Field(..., alias="external_id")
    kind: str
    refund_of: str | None = Field(None, alias="refund_of.external_id")
    channel: str
    store: str | None = Field(None, alias="store.slug")
    occurred_at: datetime
    currency: str
    total: Decimal
    lines: list[PurchaseLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class OwnershipOut(Schema):
    product: str = Field(..., alias="product_line.slug")
    source: str
    verified_at: datetime


class HoldingsOut(Schema):
    customer_records: int
    visits: int
    orders: list[PurchaseOut]
    verified_ownership: list[OwnershipOut]


@router.get("/me", response=HoldingsOut, auth=MEMBER)
def mine(request):
    """What the brand's stores hold about you: visits, purchases, verified ownership."""
    holdings = selectors.member_holdings(member=require_scope(request, TokenScope.READ))
    return {
        "customer_records": len(holdings.contacts),
        "visits": holdings.visit_count,
        "orders": holdings.orders,
        "verified_ownership": holdings.verified,
    }


class LinkCodeOut(Schema):
    code: str
    expires_at: datetime


@router.post("/me/link-code", response={201: LinkCodeOut}, auth=MEMBER)
def link_code(request):
    """A one-time code (15 minutes) to show store staff, so they can join their record
    of you to your account."""
    code, link = services.link_code_create(member=require_scope(request))
    return Status(201, {"code": code, "expires_at": link.expires_at})


class SerialIn(Schema):
    serial_number: str = Field(..., max_length=64)


class SerialOut(Schema):
    serial_number: str
    product: str = Field(..., alias="order_line.product_line.slug")
    registered_at: datetime


@router.post("/me/serials", response={201: SerialOut}, auth=MEMBER)
def register_serial(request, payload: SerialIn):
    """Register a product's serial number to become its verified owner."""
    registration = services.serial_register(
        member=require_scope(request), serial_number=payload.serial_number
    )
    return Status(201, registration)


class ContactOut(Schema):
    id: int
    name: str
    phone: str = Field(..., alias="masked_phone")
    member: str | None = Field(None, alias="member.username")
    linked_at: datetime | None
    origin: str
    created_at: datetime


class ContactIn(Schema):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    wecom_external_userid: str = Field("", max_length=64)


@router.get("/desk/{slug}/customers", response=list[ContactOut], auth=MEMBER)
def store_customers(request, slug: str, q: str = ""):
    """The customers a store knows (its manager and staff; operators see every store)."""
    viewer = require_scope(request, TokenScope.READ)
    store = selectors.store_get_for_desk(viewer=viewer, slug=slug)
    return list(selectors.contacts_visible(viewer=viewer, store=store, query=q[:100])[:200])


@router.post("/desk/{slug}/customers", response={200: ContactOut, 201: ContactOut}, auth=MEMBER)
def add_customer(request, slug: str, payload: ContactIn):
    """Add a customer the store met (or find the one already known by phone or WeCom)."""
    actor = require_scope(request)
    store = selectors.store_get_for_desk(viewer=actor, slug=slug)
    contact, created = services.contact_add(actor=actor, store=store, **payload.dict())
    return Status(201 if created else 200, contact)


class VisitIn(Schema):
    customer: BodyId


@router.post("/desk/{slug}/visits", response={200: StoreVisitOut, 201: StoreVisitOut}, auth=MEMBER)
def record_visit(request, slug: str, payload: VisitIn):
    actor = require_scope(request)
    store = selectors.store_get_for_desk(viewer=actor, slug=slug)
    contact = selectors.contact_get_for_desk(viewer=actor, pk=payload.customer)
    visit, created = services.visit_record(actor=actor, store=store, contact=contact)
    return Status(201 if created else 200, visit)


class TimelineOut(Schema):
    at: datetime
    verb: str
    channel: str
    properties: dict
    actor: str = Field(..., alias="actor_name")


class ContactDetailOut(ContactOut):
    stores: list[str]
    orders: list[PurchaseOut] = Field(..., alias="purchases")
    timeline: list[TimelineOut]

    @staticmethod
    def resolve_stores(obj):
        return [s.slug for s in obj.stores.all()]


@router.get("/customers/{contact_id}", response=ContactDetailOut, auth=MEMBER)
def customer(request, contact_id: Id):
    """One customer: their stores, purchases and timeline across every channel."""
    viewer = require_scope(request, TokenScope.READ)
    contact = selectors.contact_get_for_desk(viewer=viewer, pk=contact_id)
    contact.purchases = list(selectors.contact_purchases(contact=contact)[:100])
    contact.timeline = selectors.customer_timeline(contact=contact)
    return contact


class LinkIn(Schema):
    code: str = Field(..., max_length=20)


@router.post("/customers/{contact_id}/link", response=ContactOut, auth=MEMBER)
def link(request, contact_id: Id, payload: LinkIn):
    """Join a customer record to the member who showed you their one-time code."""
    actor = require_scope(request)
    contact = selectors.contact_get_for_desk(viewer=actor, pk=contact_id)
    return services.contact_link(actor=actor, contact=contact, code=payload.code)


class UnlinkIn(Schema):
    reason: str = Field("", max_length=200)


@router.post("/customers/{contact_id}/unlink", response=ContactOut, auth=MEMBER)
def unlink(request, contact_id: Id, payload: UnlinkIn):
    """Undo a link (the member themselves, or the network's operators); audited."""
    actor = require_scope(request)
    contact = selectors.contact_for_unlink(viewer=actor, pk=contact_id)
    return services.contact_unlink(actor=actor, contact=contact, reason=payload.reason)
