"""Who may use each vote page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Operators and founders run votes; a draft is theirs
alone; any member casts a ballot in an open vote."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page
from fanrepublic.governance.enums import VoteStatus
from fanrepublic.governance.tests.factories import VoteFactory

ORGANISERS = ("operator", "founder")


def open_vote(w):
    return {"slug": w.once("open", lambda: VoteFactory()).slug}


def draft(w):
    return {"slug": w.once("draft", lambda: VoteFactory(status=VoteStatus.DRAFT)).slug}


ACCESS = (
    page("governance:index", EVERYONE),
    page("governance:vote", EVERYONE, args=open_vote),
    page("governance:vote", ORGANISERS, args=draft, note="a draft is the organisers' alone"),
    page("governance:verify", EVERYONE, args=open_vote),
    page("governance:ballots", (), args=open_vote, note="only a published vote's ballots"),
    page(
        "governance:cast",
        SIGNED_IN,
        ok=422,
        args=open_vote,
        method="post",
        visitor=302,
        note="an empty ballot is checked (422): members reach the vote",
    ),
    page("governance:new", ORGANISERS, visitor=302),
    page(
        "governance:action",
        ORGANISERS,
        ok=302,
        args=draft,
        method="post",
        data=lambda w: {"action": "open"},
        visitor=302,
    ),
    api("GET /api/v1/votes", EVERYONE),
    api("GET /api/v1/votes/{slug}", EVERYONE, args=open_vote),
    api("GET /api/v1/votes/{slug}", ORGANISERS, args=draft),
    api(
        "GET /api/v1/votes/{slug}/verify",
        (),
        args=lambda w: {**open_vote(w), "?": "receipt=abc"},
        note="receipts are checked once a vote is published: 404 before",
    ),
    api("GET /api/v1/votes/{slug}/ballots", (), args=open_vote, note="only a published vote's ballots"),
    api(
        "POST /api/v1/votes/{slug}/ballot",
        SIGNED_IN,
        ok=201,
        args=open_vote,
        data=lambda w: {"options": [w.once("open", VoteFactory).options.first().pk]},
        visitor=401,
    ),
    api("GET /api/v1/votes/{slug}/ballot", (), args=open_vote, visitor=401, note="nobody has voted: 404"),
    api("POST /api/v1/votes/{slug}/open", ORGANISERS, args=draft, visitor=401),
    api("POST /api/v1/votes/{slug}/close", ORGANISERS, args=open_vote, visitor=401),
    api(
        "POST /api/v1/votes/{slug}/publish",
        ORGANISERS,
        ok=409,
        args=open_vote,
        visitor=401,
        note="still open: 409",
    ),
    api(
        "POST /api/v1/votes/{slug}/outcome",
        ORGANISERS,
        ok=409,
        args=open_vote,
        data=lambda w: {"outcome": "We listened"},
        visitor=401,
        note="still open: 409",
    ),
)

test_access = access_test(ACCESS)
