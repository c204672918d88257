import factory

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.rewards.models import Order, Reward


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"reward-{n}")
    name = factory.Sequence(lambda n: f"Orange Band voucher {n}")
    name_zh = factory.Sequence(lambda n: f"橙子手环兑换券 {n}")
    kind = "voucher"
    price_points = 100
    stock = 10


class OrderFactory(factory.django.DjangoModelFactory):
    """A bare order row (admin and factory checks); real orders come from reward_redeem."""

    class Meta:
        model = Order

    member = factory.SubFactory(MemberFactory)
    reward = factory.SubFactory(RewardFactory)
    idempotency_key = factory.Sequence(lambda n: f"test:order:{n}")
    points_total = 100
