"""Who may use each notification page and API operation: the table, run against every
role (fanrepublic/core/tests/access.py). Notifications are their recipient's alone."""

from fanrepublic.core.tests.access import MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.notifications.tests.factories import NotificationFactory

ACCESS = (
    page("notifications:list", SIGNED_IN, visitor=302),
    page("notifications:preferences", SIGNED_IN, visitor=302),
    page("notifications:mark_read", SIGNED_IN, ok=302, method="post", visitor=302),
    page(
        "notifications:open",
        {MEMBER: 302},
        args=lambda w: {"pk": NotificationFactory(recipient=w.member).pk},
        visitor=302,
        note="the member's own notification; anyone else's is missing",
    ),
    api("GET /api/v1/notifications", SIGNED_IN, visitor=401),
    api("GET /api/v1/notifications/unread", SIGNED_IN, visitor=401),
    api("POST /api/v1/notifications/read", SIGNED_IN, data=lambda w: {}, visitor=401),
)

test_access = access_test(ACCESS)
