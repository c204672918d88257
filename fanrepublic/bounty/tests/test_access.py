"""Who may use each bounty page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Engineers, operators, founders and security triage
ordinary reports; a security report is its reporter's (here: the member) and the
security group's alone until disclosed, and so is every report's conversation."""

from fanrepublic.bounty.tests.factories import BountyReportFactory, ReportAttachmentFactory
from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page

TRIAGE = ("engineer", "operator", "founder", "security")
SECURITY = ("security",)


def public(w):
    return w.once("public", lambda: BountyReportFactory(reporter=w.member))


def secret(w):
    return w.once("secret", lambda: BountyReportFactory(reporter=w.member, is_security=True))


ACCESS = (
    page("bounty:programme", EVERYONE),
    page("bounty:hall_of_fame", EVERYONE),
    page("bounty:new", SIGNED_IN, visitor=302),
    page("bounty:similar", SIGNED_IN, visitor=302),
    page("bounty:mine", SIGNED_IN, visitor=302),
    page("bounty:report", EVERYONE, args=lambda w: {"pk": public(w).pk}),
    page("bounty:report", (MEMBER, *SECURITY), args=lambda w: {"pk": secret(w).pk}, note="a security report"),
    page(
        "bounty:attachment",
        (MEMBER, *SECURITY),
        args=lambda w: {"pk": secret(w).pk, "attachment_pk": ReportAttachmentFactory(report=secret(w)).pk},
    ),
    page("bounty:queue", TRIAGE, visitor=302),
    page("bounty:triage", SECURITY, ok=302, args=lambda w: {"pk": secret(w).pk}, method="post", visitor=302),
    page(
        "bounty:message",
        (MEMBER, *SECURITY),
        ok=302,
        args=lambda w: {"pk": secret(w).pk},
        method="post",
        data=lambda w: {"body": "Which build?"},
        visitor=302,
    ),
    page(
        "bounty:disclose", SECURITY, ok=302, args=lambda w: {"pk": secret(w).pk}, method="post", visitor=302
    ),
    api("GET /api/v1/bounty/reports", EVERYONE),
    api("GET /api/v1/bounty/rewards", EVERYONE),
    api("GET /api/v1/bounty/hall-of-fame", EVERYONE),
    api("GET /api/v1/bounty/reports/{report_id}", EVERYONE, args=lambda w: {"report_id": public(w).pk}),
    api(
        "GET /api/v1/bounty/reports/{report_id}",
        (MEMBER, *SECURITY),
        args=lambda w: {"report_id": secret(w).pk},
    ),
    api(
        "POST /api/v1/bounty/reports",
        SIGNED_IN,
        ok=201,
        data=lambda w: {
            "release_id": public(w).release_id,
            "title": "Camera crashes on lens switch",
            "steps": "Open the camera, switch lens",
            "expected": "It switches",
            "actual": "It crashes",
            "claimed_severity": "high",
        },
        visitor=401,
    ),
    api(
        "GET /api/v1/bounty/reports/{report_id}/duplicates",
        TRIAGE,
        args=lambda w: {"report_id": public(w).pk},
        visitor=401,
    ),
    api(
        "POST /api/v1/bounty/reports/{report_id}/triage",
        SECURITY,
        args=lambda w: {"report_id": secret(w).pk},
        data=lambda w: {"status": "needs_info", "note": "Which build?"},
        visitor=401,
    ),
    api(
        "GET /api/v1/bounty/reports/{report_id}/messages",
        (MEMBER, *SECURITY),
        args=lambda w: {"report_id": secret(w).pk},
        visitor=401,
    ),
    api(
        "POST /api/v1/bounty/reports/{report_id}/messages",
        (MEMBER, *SECURITY),
        ok=201,
        args=lambda w: {"report_id": secret(w).pk},
        data=lambda w: {"body": "Which build?"},
        visitor=401,
    ),
    api(
        "POST /api/v1/bounty/reports/{report_id}/disclose",
        SECURITY,
        args=lambda w: {"report_id": secret(w).pk},
        ok=409,
        visitor=401,
        note="security reaches the service; not fixed yet (409)",
    ),
)

test_access = access_test(ACCESS)
