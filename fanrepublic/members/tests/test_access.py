"""Who may use each members page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Operators and founders suspend members and
recompute trust; operators and founders read the audit log; settings are one's own."""

from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.members.services import api_token_create

MODERATORS = ("operator", "founder")


def username(w):
    return {"username": w.member.username}


ACCESS = (
    page("members:profile", EVERYONE, args=username),
    page("members:set_language", EVERYONE, ok=302, method="post", data=lambda w: {"language": "zh-hans"}),
    page("members:profile_edit", SIGNED_IN, visitor=302),
    page("members:tokens", SIGNED_IN, visitor=302),
    page("members:security", SIGNED_IN, visitor=302),
    page(
        "members:token_revoke",
        {MEMBER: 302},
        ok=302,
        args=lambda w: {"pk": api_token_create(owner=w.member, name="cli", scopes=["read"])[0].pk},
        method="post",
        visitor=302,
        note="the member's own token; anyone else's is missing",
    ),
    page(
        "members:session_end",
        (),
        args=lambda w: {"pk": 1},
        method="post",
        visitor=302,
        note="a session that is not the signed-in member's own is missing",
    ),
    page("members:sessions_end_others", SIGNED_IN, ok=302, method="post", visitor=302),
    page("members:suspend", MODERATORS, ok=302, args=username, method="post", visitor=302),
    page("members:recompute_trust", MODERATORS, ok=302, args=username, method="post", visitor=302),
    page("audit_log", MODERATORS, visitor=302),
    api("GET /api/v1/members/{username}", EVERYONE, args=username),
    api("GET /api/v1/me", SIGNED_IN, visitor=401),
)

test_access = access_test(ACCESS)
