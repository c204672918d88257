"""Who may use each points page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Operators and founders adjust wallets, read any
member's wallet and edit the earning rules; a wallet is otherwise its owner's."""

from fanrepublic.core.tests.access import SIGNED_IN, access_test, api, page
from fanrepublic.points.models import EarningRule

POINTS_STAFF = ("operator", "founder")


def rule(w):
    return w.once(
        "rule", lambda: EarningRule.objects.create(name="Reply", verb="forum.topic.accepted", points=1)
    )


ACCESS = (
    page("points:wallet", SIGNED_IN, visitor=302),
    page("points:wallet_csv", SIGNED_IN, visitor=302),
    page("points:member_wallet", POINTS_STAFF, args=lambda w: {"username": w.member.username}, visitor=302),
    page("points:rules", POINTS_STAFF, visitor=302),
    api("GET /api/v1/points/wallet", SIGNED_IN, visitor=401),
    api("GET /api/v1/points/history", SIGNED_IN, visitor=401),
    api(
        "POST /api/v1/points/adjustments",
        POINTS_STAFF,
        ok=201,
        data=lambda w: {
            "member": w.member.username,
            "points": 10,
            "reason": "Thanks",
            "idempotency_key": "k",
        },
        visitor=401,
    ),
    api("GET /api/v1/points/rules", POINTS_STAFF, visitor=401),
    api(
        "POST /api/v1/points/rules",
        POINTS_STAFF,
        ok=201,
        data=lambda w: {"name": "Reply", "verb": "forum.topic.accepted", "points": 2},
        visitor=401,
    ),
    api(
        "PATCH /api/v1/points/rules/{rule_id}",
        POINTS_STAFF,
        args=lambda w: {"rule_id": rule(w).pk},
        data=lambda w: {"points": 3},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
