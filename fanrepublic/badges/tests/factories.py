from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.badges.models import Badge, MemberBadge, Perk, PerkClaim, PerkTransfer
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


class PerkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perk
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"perk-{n}")
    name = "Lunch with the founder"
    name_zh = "与创始人共进午餐"
    quantity = 3
    remaining = factory.LazyAttribute(lambda o: o.quantity)
    happens_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class PerkClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerkClaim

    perk = factory.SubFactory(PerkFactory)
    holder = factory.SubFactory(MemberFactory)
    claimed_by = factory.LazyAttribute(lambda o: o.holder)


class PerkTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerkTransfer

    claim = factory.SubFactory(PerkClaimFactory)
    from_member = factory.SubFactory(MemberFactory)
    to_member = factory.SubFactory(MemberFactory)
