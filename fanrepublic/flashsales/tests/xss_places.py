"""The stored-XSS suite's places for flash sales (see fanrepublic/core/tests/xss.py)."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "flashsales.FlashSale.slug": "made by the platform from the title (slugify)",
    "flashsales.FlashSale.seed": "random hex made by the platform",
    "flashsales.FlashSale.seed_sha256": "a hex digest made by the platform",
    "flashsales.Hold.ticket": "a Redis stream entry id made by the platform",
}
NOT_PAGES: dict[str, str] = {
    "flashsales:record_keys": "JSON of hex keys the platform computes; no stored text",
    "flash_hold": "JSON of a unit number, a stream id and a time; no stored text",
    **dict.fromkeys(
        ["flashsales:join", "flashsales:reserve", "flashsales:release", "flashsales:pay", "flashsales:close"],
        "POST only: redirects to a page that is visited",
    ),
}


@place(
    "flashsales",
    "flashsales.FlashSale.title",
    "flashsales.FlashSale.title_zh",
    "flashsales.FlashSale.product",
    "flashsales.FlashSale.product_zh",
    "flashsales.FlashSale.description",
    "flashsales.FlashSale.description_zh",
)
def sales(pages: Pages):
    import datetime

    from django.utils import timezone

    from fanrepublic.flashsales import services
    from fanrepublic.members.tests.factories import MemberFactory, operator

    op = operator()
    made = []
    titles, descriptions = packs(120), packs(10000)
    for index in range(max(len(titles), len(descriptions))):
        groups = [titles[index % len(titles)], descriptions[index % len(descriptions)]]
        title = " ".join(p.text for p in groups[0])
        sale = services.sale_create(
            actor=op,
            title=title,
            title_zh=title,
            product=title,
            product_zh=title,
            description="\n".join(p.text for p in groups[1]),
            description_zh="\n".join(p.text for p in groups[1]),
            price_fen=100,
            units=2,
            per_member_limit=1,
            hold_seconds=60,
            admit_per_second=100,
            opens_at=timezone.now() - datetime.timedelta(seconds=1),
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )
        made.append((sale, markers(groups[0])))
    member = MemberFactory()
    first = made[0][0]
    services.waiting_room_join(actor=member, sale=first)
    hold = services.reserve(actor=member, sale=first, provider_code="offline")
    for sale, shown in made:
        pages.check(None, _reverse("flashsales:sale", sale.slug), shows=shown[:1])
        pages.check(None, _reverse("flashsales:room", sale.slug))
        pages.check(None, _reverse("flashsales:record", sale.slug))
    pages.check(member, _reverse("flashsales:sale", first.slug))
    pages.check(member, _reverse("payments:payment", hold.payment.reference))
    pages.check(None, _reverse("flashsales:index"))
    pages.check(op, _reverse("flashsales:console"))
    pages.admin(first, hold)
