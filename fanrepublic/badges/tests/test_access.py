"""Who may use each badge and perk page and API operation: the table, run against every
role (fanrepublic/core/tests/access.py). Operators and founders grant badges and run
perks (the perks' staff pages and their guest lists); a place is its holder's."""

from fanrepublic.badges.tests.factories import BadgeFactory, PerkClaimFactory, PerkFactory
from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page

PERK_STAFF = ("operator", "founder")


def perk(w):
    return w.once("perk", lambda: PerkFactory(transferable=True))


def place(w):
    """The member's place on a perk."""
    return w.once("place", lambda: PerkClaimFactory(perk=perk(w), holder=w.member))


def grant_body(w):
    return {"member": w.member.username, "badge": BadgeFactory().slug, "reason": "Helped at the launch"}


ACCESS = (
    page("badges:gallery", EVERYONE),
    page("badges:perks", EVERYONE),
    page("badges:my_perks", SIGNED_IN, visitor=302),
    page(
        "badges:perk_claim",
        SIGNED_IN,
        ok=302,
        args=lambda w: {"slug": perk(w).slug},
        method="post",
        visitor=302,
    ),
    page(
        "badges:perk_transfer",
        {MEMBER: 302},
        args=lambda w: {"pk": place(w).pk},
        method="post",
        data=lambda w: {"to": "nobody-here"},
        visitor=302,
    ),
    page(
        "badges:grant",
        PERK_STAFF,
        ok=302,
        args=lambda w: {"username": w.member.username},
        method="post",
        data=grant_body,
        visitor=302,
    ),
    page("badges:perk_holders", PERK_STAFF, args=lambda w: {"slug": perk(w).slug}, visitor=302),
    page("badges:perks_staff", PERK_STAFF, visitor=302),
    page("badges:perk_new", PERK_STAFF, visitor=302),
    page("badges:perk_edit", PERK_STAFF, args=lambda w: {"slug": perk(w).slug}, visitor=302),
    api("GET /api/v1/badges", EVERYONE),
    api("GET /api/v1/members/{username}/badges", EVERYONE, args=lambda w: {"username": w.member.username}),
    api("GET /api/v1/perks", EVERYONE),
    api(
        "POST /api/v1/perks/{slug}/claim",
        SIGNED_IN,
        ok=201,
        args=lambda w: {"slug": PerkFactory(price_points=0).slug},
        visitor=401,
    ),
    api(
        "POST /api/v1/perks/places/{place_id}/transfer",
        {MEMBER: 200},
        args=lambda w: {"place_id": place(w).pk},
        data=lambda w: {"to": w.user("legal").username},
        visitor=401,
    ),
    api("POST /api/v1/badges/grants", PERK_STAFF, ok=201, data=grant_body, visitor=401),
    api("GET /api/v1/perks/{slug}/holders", PERK_STAFF, args=lambda w: {"slug": perk(w).slug}, visitor=401),
)

test_access = access_test(ACCESS)
