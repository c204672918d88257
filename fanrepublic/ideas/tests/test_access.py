"""Who may use each idea-marketplace page and API operation (fanrepublic/core/tests/access.py).
Everyone reads ideas; members propose, support and comment; the author edits; engineers,
operators and the founder review (and committee members, tested in test_services.py);
operators and the founder decide. A withdrawn idea is its author's and the staff's only."""

from datetime import timedelta

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page

DECIDERS = ("operator", "founder")
REVIEWERS = ("engineer", "operator", "founder")


def idea(w):
    from .factories import ProposalFactory

    return w.once("idea", lambda: ProposalFactory(author=w.user("engineer")))


def mine(w):
    """An idea of the world's member, so only they (and product staff) may edit it."""
    from .factories import ProposalFactory

    return w.once("mine", lambda: ProposalFactory(author=w.member))


def in_round(w):
    def build():
        from django.utils import timezone

        from .factories import ProposalFactory, ReviewRoundFactory

        return ProposalFactory(
            author=w.user("security"),
            status="in_review",
            qualified_at=timezone.now() - timedelta(days=30),
            review_round=ReviewRoundFactory(),
        )

    return w.once("in_round", build)


def reviewed(w):
    def build():
        from fanrepublic.ideas.services import review_record

        proposal = in_round(w)
        review_record(
            reviewer=w.user("engineer"), proposal=proposal, recommendation="adopt", reasons="Feasible."
        )
        return proposal

    return w.once("reviewed", build)


def withdrawn(w):
    from .factories import ProposalFactory

    return w.once("withdrawn", lambda: ProposalFactory(author=w.member, status="withdrawn"))


def adopted(w):
    """An adopted idea of the world's member, offered the agreement; accepted and with a
    statement when `accepted`."""

    def build():
        from .factories import AdoptionFactory, AgreementTextFactory, ProposalFactory

        agreement = AgreementTextFactory(created_by=w.user("operator"))
        proposal = ProposalFactory(author=w.member, status="adopted")
        return AdoptionFactory(proposal=proposal, agreement=agreement, accepted_at=None)

    return w.once("adopted", build)


def with_statement(w):
    def build():
        from .factories import RoyaltyStatementFactory

        adoption = adopted(w)
        adoption.accepted_at = adoption.offered_at
        adoption.save()
        RoyaltyStatementFactory(adoption=adoption)
        return adoption

    return w.once("with_statement", build)


def pk(proposal):
    return lambda w: {"pk": proposal(w).pk}


def proposal_data(w):
    from fanrepublic.products.tests.factories import ProductLineFactory

    line = w.once("line", lambda: ProductLineFactory())
    return {
        "product_line": line.pk,
        "language": "en",
        "title": "Dorm cooker",
        "pitch": "A pot for the dorm that never trips the breaker.",
        "target_price": "199.00",
    }


ACCESS = (
    page("ideas:index", EVERYONE),
    page("ideas:proposal", EVERYONE, args=pk(idea)),
    page("ideas:history", EVERYONE, args=pk(idea)),
    page("ideas:proposal", ("member", *DECIDERS), args=pk(withdrawn), note="withdrawn: its author's"),
    page("ideas:new", SIGNED_IN, visitor=302),
    page("ideas:new", SIGNED_IN, ok=302, method="post", data=proposal_data, visitor=302),
    page("ideas:similar", SIGNED_IN, visitor=302),
    page("ideas:mine", SIGNED_IN, visitor=302),
    page("ideas:queue", REVIEWERS, visitor=302),
    page("ideas:edit", ("member", *DECIDERS), args=pk(mine), visitor=302),
    page(
        "ideas:support",
        SIGNED_IN,
        ok=302,
        method="post",
        args=pk(idea),
        visitor=302,
        note="the author's own support is refused with a message on the idea's page",
    ),
    page("ideas:withdraw", ("member",), ok=302, method="post", args=pk(mine), visitor=302),
    page(
        "ideas:comment",
        SIGNED_IN,
        ok=302,
        method="post",
        args=pk(idea),
        data=lambda w: {"body": "Could it have a timer?"},
        visitor=302,
    ),
    page(
        "ideas:review",
        REVIEWERS,
        ok=302,
        method="post",
        args=pk(in_round),
        data=lambda w: {"recommendation": "adopt", "reasons": "Feasible and wanted."},
        visitor=302,
    ),
    page(
        "ideas:decide",
        DECIDERS,
        ok=302,
        method="post",
        args=pk(reviewed),
        data=lambda w: {"decision": "adopt", "reasons": "Wanted and feasible."},
        visitor=302,
    ),
    page("ideas:agreement", DECIDERS, visitor=302),
    page(
        "ideas:agreement",
        DECIDERS,
        ok=302,
        method="post",
        data=lambda w: {
            "body": "The author grants the brand the right to make it.",
            "body_zh": "作者授权品牌生产该产品，品牌按月支付分成。",
            "rate": "0.01",
        },
        visitor=302,
    ),
    page(
        "ideas:offer",
        DECIDERS,
        ok=302,
        method="post",
        args=lambda w: {"pk": adopted(w).proposal_id},
        data=lambda w: {"product_name": "Dorm cooker", "skus": "COOKER-1"},
        visitor=302,
    ),
    page(
        "ideas:accept",
        ("member",),
        ok=302,
        method="post",
        args=lambda w: {"pk": adopted(w).proposal_id},
        data=lambda w: {
            "version": adopted(w).agreement.version,
            "terms": adopted(w).terms_digest,
            "agree": "on",
        },
        visitor=302,
    ),
    page(
        "ideas:royalties",
        ("member", *DECIDERS),
        args=lambda w: {"pk": with_statement(w).proposal_id},
        visitor=302,
    ),
    page(
        "ideas:royalties_csv",
        ("member", *DECIDERS),
        args=lambda w: {"pk": with_statement(w).proposal_id},
        visitor=302,
    ),
    api("GET /api/v1/ideas", EVERYONE),
    api("GET /api/v1/ideas/{pk}", EVERYONE, args=pk(idea)),
    api(
        "POST /api/v1/ideas/{pk}/support",
        {**dict.fromkeys(SIGNED_IN, 201), "engineer": 409},
        args=pk(idea),
        visitor=401,
        note="the engineer is the idea's author",
    ),
)

test_access = access_test(ACCESS)
