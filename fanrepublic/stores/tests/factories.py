import secrets
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.members.tests.factories import MemberFactory, store_manager
from fanrepublic.stores.models import (
    Contact,
    LinkCode,
    Order,
    OrderLine,
    SalesSource,
    SerialRegistration,
    Store,
    StoreCustomer,
    Visit,
)
from fanrepublic.stores.purchases import REFUND_VERB, SALE_VERB


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    slug = factory.Sequence(lambda n: f"store-{n}")
    name = factory.Sequence(lambda n: f"Orange Store {n}")
    name_zh = factory.Sequence(lambda n: f"橙子之家 {n}")
    city = "Shanghai"
    city_zh = "上海"
    address = "1 Nanjing West Road"
    address_zh = "南京西路 1 号"
    opening_hours = "10:00–22:00"
    manager = factory.LazyFunction(store_manager)
    checkin_key = factory.LazyFunction(lambda: secrets.token_urlsafe(24))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"+861380013{n % 10000:04d}")
    origin = "staff"


def pos(*, stores=None, sells_online=True, names_members=True, **kwargs):
    """A source allowed to send purchases: by default for every store, online too, naming
    members (the tests of what a narrower source may not do pass `stores=[...]`)."""
    integration = IntegrationFactory(verbs=[SALE_VERB, REFUND_VERB], **kwargs)
    SalesSourceFactory(
        integration=integration,
        all_stores=stores is None,
        stores=stores or [],
        sells_online=sells_online,
        names_members=names_members,
    )
    return integration


class SalesSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesSource
        skip_postgeneration_save = True

    integration = factory.SubFactory(IntegrationFactory, verbs=[SALE_VERB, REFUND_VERB])
    all_stores = True

    @factory.post_generation
    def stores(self, create, extracted, **kwargs):
        if create and extracted:
            self.stores.set(extracted)


def sale(order_id="A1001", *, store=None, customer=None, lines=None, at="2026-11-20T15:00:00+08:00", **extra):
    item = {
        "order_id": order_id,
        "occurred_at": at,
        "currency": "CNY",
        "lines": lines
        or [
            {"sku": "PHONE-15-BLK", "quantity": 1, "unit_price": "3999.00", "serial_number": f"SN-{order_id}"}
        ],
        **extra,
    }
    if store is not None:
        item["store"] = store.slug
        item.setdefault("channel", "store")
    else:
        item.setdefault("channel", "online")
    if customer is not None:
        item["customer"] = customer
    return item


def refund(order_id, of, lines, *, at="2026-11-21T10:00:00+08:00", **extra):
    return {
        "order_id": order_id,
        "kind": "refund",
        "refund_of": of,
        "occurred_at": at,
        "currency": "CNY",
        "lines": lines,
        **extra,
    }


class StoreCustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreCustomer

    store = factory.SubFactory(StoreFactory)
    contact = factory.SubFactory(ContactFactory)


class LinkCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkCode

    member = factory.SubFactory(MemberFactory)
    code_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=15))


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    store = factory.SubFactory(StoreFactory)
    contact = factory.SubFactory(ContactFactory)
    source = "staff"
    visited_at = factory.LazyFunction(timezone.now)
    visit_day = factory.LazyFunction(timezone.localdate)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    integration = factory.LazyFunction(pos)
    external_id = factory.Sequence(lambda n: f"F{n:06d}")
    channel = "online"
    occurred_at = factory.LazyFunction(timezone.now)
    currency = "CNY"
    total = Decimal("0.00")
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n % 200 + 1)
    sku = "SKU"
    quantity = 1
    unit_price = Decimal("1.00")


class SerialRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SerialRegistration

    member = factory.SubFactory(MemberFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    order_line = factory.SubFactory(OrderLineFactory)
