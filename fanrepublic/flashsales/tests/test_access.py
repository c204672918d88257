"""Who may use each flash-sales page and API operation (fanrepublic/core/tests/access.py).
Everyone reads a scheduled sale, its waiting room and its fairness record; members queue
and reserve; a member gives back only their own hold; operators and the founder schedule
and close sales."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page

RUNNERS = ("operator", "founder")


def sale(w):
    from .factories import open_sale

    return w.once("sale", lambda: open_sale(units=20, per_member_limit=1))


def slug(w):
    return {"slug": sale(w).slug}


def queued(w):
    """Every role's account in the waiting room (each may reserve in the rows below)."""

    def build():
        from fanrepublic.core.tests.access import ROLES
        from fanrepublic.flashsales.services import waiting_room_join

        for role in ROLES[1:]:
            waiting_room_join(actor=w.user(role), sale=sale(w))
        return slug(w)

    return w.once("queued", build)


def held(w):
    def build():
        from fanrepublic.flashsales.services import reserve, waiting_room_join

        waiting_room_join(actor=w.member, sale=sale(w))
        hold = reserve(actor=w.member, sale=sale(w), provider_code="offline")
        return {"slug": sale(w).slug, "hold_id": hold.pk}

    return w.once("held", build)


ACCESS = (
    page("flashsales:index", EVERYONE),
    page("flashsales:sale", EVERYONE, args=slug),
    page("flashsales:room", EVERYONE, args=slug),
    page("flashsales:record", EVERYONE, args=slug),
    page("flashsales:record_keys", EVERYONE, args=slug),
    page("flashsales:join", SIGNED_IN, ok=302, method="post", args=slug, visitor=302),
    page(
        "flashsales:reserve",
        SIGNED_IN,
        ok=302,
        method="post",
        args=queued,
        data=lambda w: {"provider": "offline"},
        visitor=302,
        note="a hold answers a redirect to its payment; a refusal a redirect with a message",
    ),
    page("flashsales:release", ("member",), ok=302, method="post", args=held, visitor=302),
    page(
        "flashsales:pay",
        ("member",),
        ok=302,
        method="post",
        args=held,
        data=lambda w: {"provider": "offline"},
        visitor=302,
        note="another member's hold is 404",
    ),
    page(
        "flash_hold",
        (),
        method="post",
        args=slug,
        others=404,
        visitor=404,
        note="authenticated by the X-Flash-Pass header, never a session; 404 without Redis admission "
        "(its every answer with a pass: test_admission.py)",
    ),
    page("flashsales:console", RUNNERS, visitor=302),
    page(
        "flashsales:close",
        RUNNERS,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"reason": "Recall"},
        visitor=302,
    ),
    api("GET /api/v1/flash", EVERYONE),
    api("GET /api/v1/flash/{slug}", EVERYONE, args=slug),
    api("POST /api/v1/flash/{slug}/queue", SIGNED_IN, args=slug, visitor=401),
    api(
        "POST /api/v1/flash/{slug}/reserve",
        SIGNED_IN,
        ok=201,
        args=queued,
        data=lambda w: {"provider": "offline"},
        visitor=401,
    ),
    api("GET /api/v1/flash/{slug}/holds", SIGNED_IN, args=slug, visitor=401),
    api(
        "POST /api/v1/flash/{slug}/holds/{hold_id}/pay",
        ("member",),
        args=held,
        data=lambda w: {"provider": "offline"},
        others=404,
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
