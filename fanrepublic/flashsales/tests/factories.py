import datetime
import hashlib

import factory
from django.utils import timezone

from fanrepublic.flashsales.models import Entrant, FlashSale, Hold, Unit
from fanrepublic.members.tests.factories import MemberFactory, operator


def open_sale(**kwargs) -> FlashSale:
    """A sale open now with its units made, through the service (as operators do)."""
    from fanrepublic.flashsales.services import sale_create

    now = timezone.now()
    fields = {
        "title": "SU7 Ultra Founders' edition",
        "product": "SU7 Ultra",
        "description": "Numbered cars.",
        "price_fen": 500_000,
        "units": 5,
        "per_member_limit": 1,
        "hold_seconds": 300,
        "admit_per_second": 1000,
        "opens_at": now - datetime.timedelta(seconds=1),
        "closes_at": now + datetime.timedelta(days=1),
    }
    fields.update(kwargs)
    return sale_create(actor=operator(), **fields)


class FlashSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlashSale

    slug = factory.Sequence(lambda n: f"founders-edition-{n}")
    title = "SU7 Ultra Founders' edition"
    product = "SU7 Ultra"
    description = "Numbered cars."
    price_fen = 500_000
    units = 3
    opens_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    status = "scheduled"
    seed = "0" * 64
    seed_sha256 = hashlib.sha256(b"0" * 64).hexdigest()
    created_by = factory.LazyFunction(operator)


class EntrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrant

    sale = factory.SubFactory(FlashSaleFactory)
    member = factory.SubFactory(MemberFactory)


class HoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hold

    sale = factory.SubFactory(FlashSaleFactory)
    member = factory.SubFactory(MemberFactory)
    unit_number = 1
    status = "expired"
    expires_at = factory.LazyFunction(timezone.now)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    sale = factory.SubFactory(FlashSaleFactory)
    number = factory.Sequence(lambda n: n + 1)
