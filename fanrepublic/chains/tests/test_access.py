"""Who may use each chains page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Everyone reads chains; members sign; a chain's
starter and the moderators (operators, the founder) close and export it; only
moderators hide. In this table the chain is started by an operator."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page

from .factories import ChainFactory

MODERATORS = ("operator", "founder")


def chain(w):
    return w.once("chain", lambda: ChainFactory(started_by=w.user("operator")))


def slug(w):
    return {"slug": chain(w).slug}


def signed(w):
    """The chain with one line by the world's member, whose number is 1."""

    def build():
        from fanrepublic.chains.services import entry_sign

        entry_sign(actor=w.member, chain=chain(w), message="永不离开", pledge=1)
        return {"slug": chain(w).slug, "number": 1}

    return w.once("signed", build)


ACCESS = (
    page("chains:index", EVERYONE),
    page(
        "chains:start",
        MODERATORS,
        visitor=302,
        note="members see it where a board's chain rule lets them (test_views)",
    ),
    page("chains:chain", EVERYONE, args=slug),
    page("chains:live", EVERYONE, args=slug),
    page("chains:qr", EVERYONE, args=slug),
    page(
        "chains:sign",
        SIGNED_IN,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"message": "永不离开", "pledge": 1},
        visitor=302,
    ),
    page(
        "chains:withdraw",
        SIGNED_IN,
        ok=302,
        method="post",
        args=slug,
        visitor=302,
        note="without a line: the page says so (a message), nothing changes",
    ),
    page(
        "chains:close",
        MODERATORS,
        ok=302,
        method="post",
        args=slug,
        visitor=302,
        note="and the starter (test_views)",
    ),
    page(
        "chains:hide",
        MODERATORS,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"reason": "Scam"},
        visitor=302,
    ),
    page(
        "chains:hide_entry",
        MODERATORS,
        ok=302,
        method="post",
        args=signed,
        data=lambda w: {"reason": "Advertising"},
        visitor=302,
    ),
    page("chains:restore_entry", MODERATORS, ok=302, method="post", args=signed, visitor=302),
    page("chains:export", MODERATORS, args=slug, visitor=302, note="and the starter (test_views)"),
    api("GET /api/v1/chains", EVERYONE),
    api(
        "POST /api/v1/chains",
        MODERATORS,
        ok=201,
        data=lambda w: {"theme": "Never leave", "pledge_label": "I will pre-order"},
        others=403,
        visitor=401,
        note="members only on a board that lets them (test_api)",
    ),
    api("GET /api/v1/chains/{slug}", EVERYONE, args=slug),
    api("GET /api/v1/chains/{slug}/entries", EVERYONE, args=slug),
    api(
        "PUT /api/v1/chains/{slug}/entry",
        SIGNED_IN,
        ok=201,
        args=slug,
        data=lambda w: {"message": "+1", "pledge": 1},
        visitor=401,
    ),
    api(
        "DELETE /api/v1/chains/{slug}/entry",
        ("member",),
        ok=204,
        args=lambda w: signed(w) and slug(w),
        visitor=401,
    ),
    api("POST /api/v1/chains/{slug}/close", MODERATORS, args=slug, visitor=401),
    api(
        "POST /api/v1/chains/{slug}/entries/{number}/hide",
        MODERATORS,
        args=signed,
        data=lambda w: {"reason": "Advertising"},
        visitor=401,
    ),
    api("POST /api/v1/chains/{slug}/entries/{number}/restore", MODERATORS, args=signed, visitor=401),
    api(
        "POST /api/v1/chains/{slug}/hide",
        MODERATORS,
        args=slug,
        data=lambda w: {"reason": "Scam"},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
