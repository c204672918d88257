"""Who may use each activity API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Ingestion takes an integration's token and nothing
else — no member's session, staff included (tests/test_ingestion.py covers the tokens)."""

from fanrepublic.core.tests.access import EVERYONE, access_test, api

ACCESS = (
    api("GET /api/v1/events/verbs", EVERYONE),
    api(
        "POST /api/v1/events",
        (),
        data=lambda w: {"events": []},
        others=401,
        note="integration tokens only: every session is refused (401)",
    ),
)

test_access = access_test(ACCESS)
