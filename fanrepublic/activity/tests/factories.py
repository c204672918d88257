import factory
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.members.tests.factories import MemberFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    verb = "store.purchase"
    actor = factory.SubFactory(MemberFactory)
    channel = "store"
    occurred_at = factory.LazyFunction(timezone.now)
    properties = factory.LazyFunction(lambda: {"sku": "SU7"})
