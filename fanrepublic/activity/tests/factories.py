import factory
from django.utils import timezone

from fanrepublic.activity.models import Event, Integration
from fanrepublic.members.tests.factories import MemberFactory


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    slug = factory.Sequence(lambda n: f"store-pos-{n}")
    name = factory.Sequence(lambda n: f"Store POS {n}")
    channel = "store"
    verbs = factory.LazyFunction(lambda: ["store.visited", "store.purchased"])


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    verb = "store.purchased"
    actor = factory.SubFactory(MemberFactory)
    channel = "store"
    occurred_at = factory.LazyFunction(timezone.now)
    properties = factory.LazyFunction(lambda: {"order": "SO-1", "total": "299.00"})
