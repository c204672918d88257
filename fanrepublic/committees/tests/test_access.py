"""Who may use each committee page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Operators and founders organise elections; the
committee's sitting members (here: the member) and the organisers plan its work."""

from fanrepublic.committees.tests.factories import (
    CommitteeFactory,
    ElectionFactory,
    MeetingFactory,
    NeedFactory,
    SeatFactory,
)
from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page

ORGANISERS = ("operator", "founder")
PLANNERS = (MEMBER, *ORGANISERS)


def committee(w):
    """A committee on which the member sits."""

    def build():
        found = CommitteeFactory()
        SeatFactory(election=ElectionFactory(committee=found), member=w.member)
        return found

    return w.once("committee", build)


def election(w):
    return w.once("election", lambda: ElectionFactory(committee=committee(w)))


def need(w):
    return w.once("need", lambda: NeedFactory(product_line=committee(w).product_line))


def slug(w):
    return {"slug": committee(w).slug}


NEED_BODY = {"title": "Filter pet hair", "body": "The purifier clogs with cat hair within a week."}

ACCESS = (
    page("committees:index", EVERYONE),
    page("committees:committee", EVERYONE, args=slug),
    page("committees:election", EVERYONE, args=lambda w: {"slug": committee(w).slug, "pk": election(w).pk}),
    page("committees:needs", EVERYONE, args=slug),
    page("committees:need", EVERYONE, args=lambda w: {"slug": committee(w).slug, "pk": need(w).pk}),
    page(
        "committees:meeting",
        EVERYONE,
        args=lambda w: {"slug": committee(w).slug, "pk": MeetingFactory(committee=committee(w)).pk},
    ),
    page(
        "committees:stand",
        SIGNED_IN,
        ok=302,
        args=lambda w: {"slug": committee(w).slug, "pk": election(w).pk},
        method="post",
        visitor=302,
    ),
    page("committees:action", ORGANISERS, ok=302, args=slug, method="post", visitor=302),
    page(
        "committees:plan",
        PLANNERS,
        ok=302,
        args=slug,
        method="post",
        data=lambda w: {"action": "schedule"},
        visitor=302,
    ),
    api("GET /api/v1/committees", EVERYONE),
    api("GET /api/v1/committees/{slug}", EVERYONE, args=slug),
    api(
        "GET /api/v1/committees/{slug}/elections/{election_id}",
        EVERYONE,
        args=lambda w: {"slug": committee(w).slug, "election_id": election(w).pk},
    ),
    api(
        "POST /api/v1/committees/{slug}/elections/{election_id}/candidacies",
        SIGNED_IN,
        ok=403,
        args=lambda w: {"slug": committee(w).slug, "election_id": election(w).pk},
        data=lambda w: {"statement": "I will listen."},
        visitor=401,
        note="members reach the service, which wants a higher trust level (403)",
    ),
    api("GET /api/v1/committees/{slug}/needs", EVERYONE, args=slug),
    api(
        "POST /api/v1/committees/{slug}/needs",
        SIGNED_IN,
        ok=201,
        args=slug,
        data=lambda w: NEED_BODY,
        visitor=401,
    ),
    api(
        "GET /api/v1/committees/{slug}/needs/{need_id}",
        EVERYONE,
        args=lambda w: {"slug": committee(w).slug, "need_id": need(w).pk},
    ),
    api(
        "PUT /api/v1/committees/{slug}/needs/{need_id}/support",
        SIGNED_IN,
        args=lambda w: {"slug": committee(w).slug, "need_id": need(w).pk},
        visitor=401,
    ),
    api(
        "DELETE /api/v1/committees/{slug}/needs/{need_id}/support",
        SIGNED_IN,
        args=lambda w: {"slug": committee(w).slug, "need_id": need(w).pk},
        visitor=401,
    ),
    api(
        "POST /api/v1/committees/{slug}/needs/{need_id}/shortlist",
        PLANNERS,
        args=lambda w: {"slug": committee(w).slug, "need_id": need(w).pk},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
