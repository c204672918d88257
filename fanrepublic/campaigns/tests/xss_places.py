"""The stored-XSS suite's places for campaigns (see fanrepublic/core/tests/xss.py)."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "campaigns.Campaign.slug": "made by the platform from the title (slugify); never typed as such",
}
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        [
            "campaigns:back",
            "campaigns:cancel",
            "campaigns:open",
            "campaigns:post_update",
            "campaigns:settle",
            "campaigns:cancel_campaign",
        ],
        "POST only: redirects to a page that is visited, or shows it with the form's errors",
    ),
}


@place(
    "campaigns",
    "campaigns.Campaign.title",
    "campaigns.Campaign.title_zh",
    "campaigns.Campaign.product",
    "campaigns.Campaign.product_zh",
    "campaigns.Campaign.description",
    "campaigns.Campaign.description_zh",
    "campaigns.CampaignUpdate.title",
    "campaigns.CampaignUpdate.title_zh",
    "campaigns.CampaignUpdate.body",
    "campaigns.CampaignUpdate.body_zh",
)
def campaigns_and_updates(pages: Pages):
    import datetime

    from django.utils import timezone

    from fanrepublic.campaigns import services
    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.payments.services import offline_pay

    op = operator()
    titles, products, descriptions = packs(120), packs(120), packs(10000)
    made = []
    for index in range(max(len(titles), len(products), len(descriptions))):
        groups = [g[index % len(g)] for g in (titles, products, descriptions)]
        text = [" ".join(p.text for p in groups[0]), " ".join(p.text for p in groups[1])]
        campaign = services.campaign_create(
            actor=op,
            title=text[0],
            title_zh=text[0],
            product=text[1],
            product_zh=text[1],
            description="\n".join(p.text for p in groups[2]),
            description_zh="\n".join(p.text for p in groups[2]),
            unit_price_fen=399_900,
            deposit_fen=50_000,
            goal_units=10,
            per_member_limit=2,
            opens_at=timezone.now() - datetime.timedelta(hours=1),
            closes_at=timezone.now() + datetime.timedelta(days=3),
        )
        campaign = services.campaign_open(actor=op, campaign=campaign)
        made.append((campaign, [m for g in groups[:2] for m in markers(g)]))
    campaign = made[0][0]
    updates = []
    for group in packs(120):
        text = " ".join(p.text for p in group)
        services.update_post(actor=op, campaign=campaign, title=text, title_zh=text, body=text, body_zh=text)
        updates += markers(group)
    member = MemberFactory()
    backing = services.backing_start(actor=member, campaign=campaign, units=1, provider_code="offline")
    offline_pay(actor=member, reference=backing.payment.reference)
    for found, shown in made:
        pages.check(None, _reverse("campaigns:campaign", found.slug), shows=shown[:1])
        pages.check(None, _reverse("campaigns:live", found.slug))
        pages.check(op, _reverse("campaigns:console_campaign", found.slug))
        pages.check(op, _reverse("campaigns:edit", found.slug))
    pages.check(None, _reverse("campaigns:campaign", campaign.slug), shows=updates[:20])
    pages.check(None, _reverse("campaigns:index"))
    pages.check(op, _reverse("campaigns:console"))
    pages.check(op, _reverse("campaigns:create"))
    pages.check(member, _reverse("campaigns:mine"))
    pages.check(member, _reverse("payments:payment", backing.payment.reference))
    pages.admin(campaign, backing, campaign.updates.first())
