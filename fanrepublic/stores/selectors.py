"""Reads, already limited to what the asking person may see: a store's manager and staff
see the customers their stores know, the network's operators every customer, a member
only what is theirs."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core import capabilities
from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import VerifiedOwnership

from . import permissions
from .enums import OrderKind
from .models import Contact, Order, SerialRegistration, Store, Visit


def stores_open() -> QuerySet[Store]:
    return Store.objects.filter(is_active=True).select_related("manager")


def store_get_public(*, slug: str) -> Store:
    store = stores_open().filter(slug=slug).first()
    if store is None:
        raise NotFound()
    return store


def stores_for_desk(*, viewer) -> QuerySet[Store]:
    """The stores this person works in (all of them for the network's operators)."""
    if permissions.can_run_network(viewer):
        qs = Store.objects.all()
    elif not permissions.can_use_desk(viewer):
        return Store.objects.none()
    else:
        # Named as a store's manager counts only with the role (permissions.works_in): a
        # manager whose role was taken away keeps no view of the store's customers.
        runs = Q(manager=viewer) if viewer.has_role(StaffRole.STORE_MANAGER) else Q(pk__in=[])
        qs = Store.objects.filter(runs | Q(staff=viewer)).distinct()
    return qs.select_related("manager").order_by("city", "name")


def store_get_for_desk(*, viewer, slug: str) -> Store:
    store = stores_for_desk(viewer=viewer).filter(slug=slug).first()
    if store is None or not permissions.works_in(viewer, store):
        raise NotFound()
    return store


def contacts_visible(*, viewer, store: Store | None = None, query: str = "") -> QuerySet[Contact]:
    """Customers this person may see: of one store, or of all the stores they work in."""
    if permissions.can_run_network(viewer):
        qs = Contact.objects.all()
        if store is not None:
            qs = qs.filter(store_links__store=store)
    else:
        stores = stores_for_desk(viewer=viewer)
        if store is not None:
            stores = stores.filter(pk=store.pk)
        qs = Contact.objects.filter(store_links__store__in=stores)
    if query:
        query = query.strip()[:100]
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(name__icontains=query) | Q(member__username__icontains=query)
        if len(digits) >= 4:
            condition |= Q(phone__contains=digits)
        qs = qs.filter(condition)
    return qs.distinct().select_related("member").order_by("-created_at")


def contact_get_for_desk(*, viewer, pk: int) -> Contact:
    contact = contacts_visible(viewer=viewer).filter(pk=pk).first()
    if contact is None:
        raise NotFound()
    return contact


def contact_for_unlink(*, viewer, pk: int, own_only: bool = False) -> Contact:
    """A linked customer record its member, or the network's operators, may unlink
    (`own_only`: the member's own records, for their own page)."""
    qs = Contact.objects.filter(pk=pk, member__isnull=False)
    if own_only or not permissions.can_run_network(viewer):
        qs = qs.filter(member_id=viewer.pk) if viewer.is_authenticated else qs.none()
    contact = qs.select_related("member").first()
    if contact is None:
        raise NotFound()
    return contact


@dataclass
class TimelineEntry:
    at: datetime
    verb: str
    channel: str
    properties: dict
    actor_name: str
    description: str


def customer_timeline(*, contact: Contact, limit: int = 200) -> list[TimelineEntry]:
    """Everything the log holds about one customer, newest first, across web, app, store
    and chat: events about the customer record (staff's, the stores', the chat's), and,
    once linked, about the member's other customer records and what the brand's own
    apps, points of sale and chat tools reported the member did.

    Not the member's other activity on the platform (their forum flags, bug and security
    reports, ballots, rewards orders, or their own staff work): that is not the store
    desk's to see, whoever opens it."""
    records = [str(contact.pk)]
    if contact.member_id:
        records += [
            str(pk) for pk in Contact.objects.filter(member_id=contact.member_id).values_list("pk", flat=True)
        ]
    condition = Q(object_type=Contact._meta.label_lower, object_id__in=set(records))
    if contact.member_id:
        condition |= Q(actor_id=contact.member_id, integration__isnull=False)
    events = Event.objects.filter(condition).order_by("-occurred_at", "-pk")[:limit]
    actors = {e.actor_id for e in events if e.actor_id}
    names = {u.pk: u.public_name for u in get_user_model().objects.filter(pk__in=actors)}
    return [
        TimelineEntry(
            e.occurred_at,
            e.verb,
            e.channel,
            e.properties,
            names.get(e.actor_id, ""),
            str(declared.description) if (declared := capabilities.verb(e.verb)) else e.verb,
        )
        for e in events
    ]


def contact_purchases(*, contact: Contact) -> QuerySet[Order]:
    return (
        Order.objects.filter(contact=contact)
        .select_related("store", "integration", "refund_of")
        .prefetch_related("lines__product_line")
        .order_by("-occurred_at")
    )


def store_today(*, store: Store) -> dict:
    """The desk's headline figures for a store, for today in the site's time zone."""
    today = timezone.localdate()
    sales = Order.objects.filter(store=store, occurred_at__date=today)
    # Takings are what the till took in less what it paid back today (refunds of earlier
    # sales included), per currency.
    signed = Case(When(kind=OrderKind.REFUND, then=-F("total")), default=F("total"))
    totals = {row["currency"]: row["total"] for row in sales.values("currency").annotate(total=Sum(signed))}
    return {
        "visits": Visit.objects.filter(store=store, visit_day=today).count(),
        "orders": sales.filter(kind=OrderKind.SALE).count(),
        "sales": sorted(totals.items()),
        "customers": store.customers.count(),
    }


def store_visits(*, store: Store, limit: int = 50) -> QuerySet[Visit]:
    return store.visits.select_related("contact__member", "recorded_by")[:limit]


@dataclass
class Holdings:
    """What the brand's stores hold about a member, for their own page."""

    contacts: list[Contact]
    visits: list[Visit]
    orders: list[Order]
    verified: list[VerifiedOwnership]
    serials: list[SerialRegistration]
    visit_count: int


def member_holdings(*, member) -> Holdings:
    contacts = list(Contact.objects.filter(member=member).prefetch_related("stores"))
    visits = Visit.objects.filter(member=member).select_related("store")
    orders = (
        Order.objects.filter(member=member)
        .select_related("store", "refund_of")
        .prefetch_related("lines__product_line")
        .order_by("-occurred_at")
    )
    return Holdings(
        contacts=contacts,
        visits=list(visits[:50]),
        orders=list(orders[:100]),
        verified=list(
            VerifiedOwnership.objects.filter(member=member)
            .select_related("product_line")
            .order_by("-verified_at")
        ),
        serials=list(
            SerialRegistration.objects.filter(member=member).select_related("order_line__product_line")
        ),
        visit_count=visits.count(),
    )


def purchase_summary(*, viewer) -> list[dict]:
    """Sales per store and currency over the stores this person may see (the desk)."""
    stores = stores_for_desk(viewer=viewer)
    return list(
        Order.objects.filter(store__in=stores)
        .values("store__slug", "store__name", "currency", "kind")
        .annotate(n=Count("pk"), total=Sum("total"))
        .order_by("store__name", "currency", "kind")
    )


def refundable_fen(order: Order) -> int:
    """What of a sale may still be refunded, in fen: its total less the refunds recorded
    against it (the users' court caps a refund it orders by this). A sale in another
    currency than yuan has nothing refundable in yuan."""
    if order.kind != OrderKind.SALE or order.currency != "CNY":
        return 0
    refunded = order.refunds.filter(kind=OrderKind.REFUND).aggregate(n=Sum("total"))["n"] or 0
    return max(0, int((order.total - refunded) * 100))
