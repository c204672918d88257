from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.releases.enums import ItemSource
from fanrepublic.releases.models import Release, ReleaseCadence, ReleaseItem


class ReleaseCadenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseCadence

    product_line = factory.SubFactory(ProductLineFactory)


class ReleaseFactory(factory.django.DjangoModelFactory):
    """A stored release, bypassing services (for pages and selectors)."""

    class Meta:
        model = Release

    product_line = factory.SubFactory(ProductLineFactory)
    version = factory.Sequence(lambda n: f"2.{n}.0")
    planned_for = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    freeze_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    created_by = factory.SubFactory(MemberFactory)


class ReleaseItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseItem

    release = factory.SubFactory(ReleaseFactory)
    title = factory.Sequence(lambda n: f"Change {n}")
    source = ItemSource.INTERNAL
    user_contributed = factory.LazyAttribute(lambda o: o.source != ItemSource.INTERNAL)
    added_by = factory.SubFactory(MemberFactory)
