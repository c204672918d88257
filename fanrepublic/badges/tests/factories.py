import factory

from fanrepublic.badges.models import Badge, MemberBadge
from fanrepublic.members.tests.factories import MemberFactory


class BadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Badge
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"badge-{n}")
    name = factory.Sequence(lambda n: f"Badge {n}")
    name_zh = factory.Sequence(lambda n: f"勋章 {n}")
    icon = "★"


class MemberBadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberBadge

    member = factory.SubFactory(MemberFactory)
    badge = factory.SubFactory(BadgeFactory)
    reason = "Test"
