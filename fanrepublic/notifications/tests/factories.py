import factory

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.notifications.models import Notification, NotificationPreference


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(MemberFactory)
    kind = "reply"
    url = "/"
    params = factory.LazyFunction(lambda: {"actor": "ann", "topic": "Dark mode"})
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    member = factory.SubFactory(MemberFactory)
    kind = "reply"
    in_app = True
    email = False
