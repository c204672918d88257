"""The stored-XSS suite's places for rewards (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, for_forms, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, fitting, joined, packs


@place(
    "rewards",
    "rewards.Reward.name",
    "rewards.Reward.name_zh",
    "rewards.Reward.description",
    "rewards.Reward.description_zh",
    "rewards.Order.shipping_name",
    "rewards.Order.shipping_phone",
    "rewards.Order.shipping_address",
    "rewards.Order.voucher_code",
    "rewards.Order.tracking",
    "rewards.Order.note",
    "points.Transaction.memo",
)
def rewards_store(pages: Pages):
    """The catalogue (names, descriptions in both languages), orders with the shipping
    details members type (shown to store staff), voucher codes, tracking numbers and a
    refusal's reason (shown to the member); wallet history memos."""
    from fanrepublic.members.tests.factories import MemberFactory, operator, store_manager
    from fanrepublic.points.services import points_award
    from fanrepublic.rewards import services
    from fanrepublic.rewards.models import Reward

    sm, buyer, zh = store_manager(), MemberFactory(), MemberFactory(language="zh-hans")
    points_award(member=buyer, points=10**6, key="xss:seed", memo="Seed")
    names = packs(120)
    recipients, phones, addresses, codes = packs(100), fitting(30), packs(500, sep="\n"), packs(100)
    rewards, orders = [], []
    with pages.committed():
        for n, group in enumerate(names):
            reward = Reward(
                slug=f"xss-{n}",
                name=joined(group),
                name_zh=joined(group),
                description=CORPUS,
                description_zh=CORPUS,
                kind="product",
                price_points=10,
                stock=100,
            )
            rewards.append((group, services.reward_save(actor=sm, reward=reward)))
        refusals = packs(500)
        closed = len(codes) + len(refusals) + 1
        for n in range(closed + len(recipients)):  # the last ones stay open on the desk
            k = max(0, n - closed)
            shipping = {
                "name": joined(recipients[k]),
                "phone": phones[k % len(phones)].text,
                "address": joined(addresses[k % len(addresses)], "\n"),
            }
            reward = rewards[n % len(rewards)][1]
            orders.append(
                services.reward_redeem(member=buyer, reward=reward, key=f"xss:{n}", shipping=shipping)
            )
        for order, code in zip(orders, codes, strict=False):
            services.order_fulfil(actor=sm, order=order, voucher_code=joined(code), tracking=joined(code))
        for order, reason in zip(orders[len(codes) :], refusals, strict=False):
            services.order_refuse(actor=sm, order=order, reason=joined(reason))
        services.order_cancel(member=buyer, order=orders[closed - 1])
    every = markers(PAYLOADS)
    all_names = markers(sum(names, []))
    pages.check(None, _reverse("rewards:catalogue"), shows=all_names)
    pages.check(zh, _reverse("rewards:catalogue"), shows=all_names)
    for _group, reward in rewards:
        pages.check(buyer, _reverse("rewards:detail", reward.slug), shows=every)
    for _group, reward in for_forms(rewards, names):
        pages.check(sm, _reverse("rewards:reward_edit", reward.slug), shows=every)
    pages.check(zh, _reverse("rewards:detail", rewards[0][1].slug), shows=every)
    pages.check(buyer, _reverse("rewards:orders"), shows=all_names + markers(sum(codes, [])) + every)
    pages.check(sm, _reverse("rewards:staff_catalogue"), shows=all_names)
    pages.check(sm, _reverse("rewards:desk"), shows=markers(sum(recipients + addresses, []) + phones))
    pages.check(buyer, _reverse("points:wallet"), shows=all_names[:3])
    pages.check(buyer, _reverse("notifications:list"))
    pages.check(operator(), _reverse("audit_log"), shows=every)
    pages.admin(rewards[0][1], orders[0], shows=every[:2])
    pages.admin(orders[-2], orders[-3])
