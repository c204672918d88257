"""The stored-XSS suite's places for badges (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, for_forms, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, joined, packs


@place(
    "badges",
    "badges.Badge.name",
    "badges.Badge.name_zh",
    "badges.Badge.description",
    "badges.Badge.description_zh",
    "badges.MemberBadge.reason",
    "badges.Perk.name",
    "badges.Perk.name_zh",
    "badges.Perk.description",
    "badges.Perk.description_zh",
    "badges.PerkTransfer.note",
    "betas.Entitlement.name",
    "betas.Entitlement.name_zh",
)
def badges_and_perks(pages: Pages):
    """Badges (set in the admin: names, descriptions) and the reasons staff grant them
    with, shown on profiles; perks (names, descriptions), hand-over notes; what a beta
    tester keeps (entitlements, on the profile)."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.badges import perks, services
    from fanrepublic.badges.models import Perk, PerkTransfer
    from fanrepublic.badges.tests.factories import BadgeFactory
    from fanrepublic.betas.tests.factories import EntitlementFactory
    from fanrepublic.members.tests.factories import MemberFactory, founder, operator
    from fanrepublic.rewards.tests.factories import RewardFactory

    op, holder, friend, zh = operator(), MemberFactory(), MemberFactory(), MemberFactory(language="zh-hans")
    names, descriptions, reasons = packs(80), packs(300), packs(300)
    badges = []
    with pages.committed():
        for n, group in enumerate(names):
            text = joined(descriptions[n % len(descriptions)])
            badge = BadgeFactory(
                name=joined(group), name_zh=joined(group), description=text, description_zh=text
            )
            services.badge_grant(
                actor=op, member=holder, badge=badge, reason=joined(reasons[n % len(reasons)])
            )
            badges.append(badge)
        offers = []
        for n, group in enumerate(packs(120)):
            perk = Perk(
                slug=f"xss-{n}",
                name=joined(group),
                name_zh=joined(group),
                description=CORPUS,
                description_zh=CORPUS,
                quantity=5,
                transferable=True,
                happens_at=timezone.now() + timedelta(days=30),
            )
            perk = perks.perk_save(actor=op, perk=perk, required_badges=[badges[n % len(badges)]])
            claim = perks.perk_claim(member=holder, perk=perk)
            if n < len(reasons):
                perks.perk_transfer(holder=holder, claim=claim, to_member=friend, note=joined(reasons[n]))
            offers.append((group, perk))
        for group in packs(200):
            EntitlementFactory(member=holder, name=joined(group), name_zh=joined(group))

    locked = RewardFactory()  # a reward that needs every badge: its page names the missing ones
    locked.required_badges.set(badges)
    badge_names = markers(sum(names, []))
    pages.check(friend, _reverse("rewards:detail", locked.slug), shows=badge_names)
    pages.check(zh, _reverse("rewards:detail", locked.slug), shows=badge_names)
    perk_names = markers(sum((g for g, _p in offers), []))
    pages.check(None, _reverse("badges:gallery"), shows=badge_names + markers(sum(descriptions, [])))
    pages.check(zh, _reverse("badges:gallery"), shows=badge_names)
    profile = _reverse("members:profile", holder.username)
    pages.check(None, profile, shows=badge_names + markers(sum(reasons, [])) + markers(sum(packs(200), [])))
    pages.check(zh, profile, shows=badge_names)
    pages.check(op, profile)
    pages.check(holder, _reverse("badges:perks"), shows=perk_names + markers(PAYLOADS))
    pages.check(zh, _reverse("badges:perks"), shows=perk_names)
    pages.check(holder, _reverse("badges:my_perks"))
    pages.check(friend, _reverse("badges:my_perks"))
    pages.check(op, _reverse("badges:perks_staff"), shows=perk_names)
    for _group, perk in for_forms(offers, [g for g, _p in offers]):
        pages.check(op, _reverse("badges:perk_edit", perk.slug), shows=markers(PAYLOADS))
    for (_group, perk), note in zip(offers, reasons, strict=False):  # the places handed on
        pages.check(op, _reverse("badges:perk_holders", perk.slug), shows=markers(note))
    pages.check(holder, _reverse("points:wallet"))
    # The forms that offer badges to require (and product lines to choose).

    boss = founder()
    for form in (
        _reverse("rewards:reward_new"),
        _reverse("badges:perk_new"),
        _reverse("betas:new"),
        _reverse("governance:new"),
    ):
        pages.check(boss, form, shows=badge_names[:1])
    pages.check(op, _reverse("audit_log"), shows=markers(sum(reasons, [])))

    pages.admin(badges[0], holder.badges.first(), offers[0][1], PerkTransfer.objects.first(), shows=["XSS01"])
    pages.admin(holder.entitlements.first())
