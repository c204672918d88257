"""Who may use each campaigns page and API operation (fanrepublic/core/tests/access.py).
Everyone reads open campaigns; members back and cancel their own backing; operators and
the founder make, open, update, settle and call off campaigns — a draft is theirs only."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page

RUNNERS = ("operator", "founder")


def campaign(w):
    from .factories import CampaignFactory

    return w.once("campaign", lambda: CampaignFactory(created_by=w.user("operator")))


def draft(w):
    from .factories import CampaignFactory

    return w.once("draft", lambda: CampaignFactory(status="draft", created_by=w.user("operator")))


def slug(w):
    return {"slug": campaign(w).slug}


def backed(w):
    """The world's member backs the campaign (deposit paid through the demo provider)."""

    def build():
        from fanrepublic.campaigns.services import backing_start
        from fanrepublic.payments.services import offline_pay

        backing = backing_start(actor=w.member, campaign=campaign(w), units=1, provider_code="offline")
        offline_pay(actor=w.member, reference=backing.payment.reference)
        return slug(w)

    return w.once("backed", build)


ACCESS = (
    page("campaigns:index", EVERYONE),
    page("campaigns:campaign", EVERYONE, args=slug),
    page("campaigns:campaign", RUNNERS, args=lambda w: {"slug": draft(w).slug}, note="a draft"),
    page("campaigns:live", EVERYONE, args=slug),
    page(
        "campaigns:back",
        SIGNED_IN,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"units": 1, "provider": "offline"},
        visitor=302,
    ),
    page(
        "campaigns:cancel",
        ("member",),
        ok=302,
        method="post",
        args=backed,
        visitor=302,
        others=302,
        note="others: a message that they do not back it, nothing changes",
    ),
    page("campaigns:mine", SIGNED_IN, visitor=302),
    page("campaigns:console", RUNNERS, visitor=302),
    page("campaigns:create", RUNNERS, visitor=302),
    page("campaigns:console_campaign", RUNNERS, args=slug, visitor=302),
    page("campaigns:edit", RUNNERS, args=slug, visitor=302),
    page(
        "campaigns:open", RUNNERS, ok=302, method="post", args=lambda w: {"slug": draft(w).slug}, visitor=302
    ),
    page(
        "campaigns:post_update",
        RUNNERS,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"title": "Stretch goal", "body": "Titanium"},
        visitor=302,
    ),
    page(
        "campaigns:settle",
        RUNNERS,
        ok=302,
        method="post",
        args=slug,
        visitor=302,
        note="before it is due: a message, nothing changes",
    ),
    page(
        "campaigns:cancel_campaign",
        RUNNERS,
        ok=302,
        method="post",
        args=lambda w: {"slug": draft(w).slug},
        data=lambda w: {"reason": "Supplier fell through"},
        visitor=302,
    ),
    api("GET /api/v1/campaigns", EVERYONE),
    api("GET /api/v1/campaigns/backings", SIGNED_IN, visitor=401),
    api("GET /api/v1/campaigns/{slug}", EVERYONE, args=slug),
    api(
        "POST /api/v1/campaigns/{slug}/backing",
        SIGNED_IN,
        ok=201,
        args=slug,
        data=lambda w: {"units": 1, "provider": "offline"},
        visitor=401,
    ),
    api("DELETE /api/v1/campaigns/{slug}/backing", ("member",), args=backed, visitor=401),
)

test_access = access_test(ACCESS)
