"""Who may use each beta page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Engineers, operators and founders run programmes;
a tester sees the confidential brief of a programme whose NDA they signed."""

from django.utils import timezone

from fanrepublic.betas.enums import ApplicationStatus, ProgrammeStatus
from fanrepublic.betas.models import Application, BetaProgramme
from fanrepublic.betas.tests.factories import (
    BetaProgrammeFactory,
    TestReportAttachmentFactory,
    TestReportFactory,
)
from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page

MANAGERS = ("engineer", "operator", "founder")


def running(w):
    """A programme past its selection, where the member holds a seat and signed the NDA."""

    def build():
        programme = BetaProgrammeFactory(open=True, brief="SECRET")
        BetaProgramme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.SELECTED)
        programme.refresh_from_db()
        Application.objects.create(
            programme=programme,
            member=w.member,
            status=ApplicationStatus.SELECTED,
            ticket="0",
            nda_accepted_at=timezone.now(),
        )
        return programme

    return w.once("running", build)


def slug(w):
    return {"slug": running(w).slug}


def report(w):
    return w.once("report", lambda: TestReportFactory(programme=running(w), tester=w.member))


def open_programme(w):
    return {"slug": w.once("open", lambda: BetaProgrammeFactory(open=True)).slug}


def draft(w):
    return {"slug": w.once("draft", lambda: BetaProgrammeFactory()).slug}


ACCESS = (
    # Pages anyone may read.
    page("betas:index", EVERYONE),
    page("betas:programme", EVERYONE, args=slug),
    page("betas:programme", MANAGERS, args=draft, note="a draft is staff's alone"),
    page("betas:draw", EVERYONE, args=slug),
    # Member actions (POST only; visitors are sent to sign in).
    page("betas:apply", SIGNED_IN, ok=302, args=open_programme, method="post", visitor=302),
    page("betas:withdraw", {MEMBER: 302}, args=slug, method="post", visitor=302),
    page(
        "betas:nda",
        {MEMBER: 302},
        args=slug,
        method="post",
        visitor=302,
        note="a seat holder only; to members without a seat and to staff the NDA is missing (404)",
    ),
    page(
        "betas:report",
        (MEMBER, *MANAGERS),
        ok=422,
        args=slug,
        method="post",
        visitor=302,
        note="an empty form is checked (422): the page is open to testers and staff",
    ),
    page(
        "betas:report_edit",
        {MEMBER: 200},
        args=lambda w: {"slug": running(w).slug, "pk": report(w).pk},
        visitor=302,
    ),
    page(
        "betas:attachment",
        {MEMBER: 200, **dict.fromkeys(MANAGERS, 200)},
        args=lambda w: {
            "slug": running(w).slug,
            "pk": report(w).pk,
            "attachment_pk": TestReportAttachmentFactory(report=report(w)).pk,
        },
    ),
    # Staff pages.
    page("betas:staff", MANAGERS, visitor=302),
    page("betas:new", MANAGERS, visitor=302),
    page("betas:manage", MANAGERS, args=slug, visitor=302),
    page("betas:edit", MANAGERS, args=slug, visitor=302),
    page("betas:action", MANAGERS, ok=302, args=slug, method="post", visitor=302),
    # API: public reads.
    api("GET /api/v1/betas", EVERYONE),
    api("GET /api/v1/betas/{slug}", EVERYONE, args=slug),
    api("GET /api/v1/betas/{slug}/draw", EVERYONE, args=slug),
    # API: members.
    api(
        "POST /api/v1/betas/{slug}/applications",
        SIGNED_IN,
        ok=201,
        args=open_programme,
        data=lambda w: {"answers": {}},
        visitor=401,
    ),
    api("GET /api/v1/betas/{slug}/application", {MEMBER: 200}, args=slug, visitor=401),
    api(
        "GET /api/v1/betas/{slug}/nda",
        {MEMBER: 200},
        args=slug,
        visitor=401,
        note="a seat holder only; members without a seat and staff get 404",
    ),
    api(
        "POST /api/v1/betas/{slug}/nda",
        {MEMBER: 200},
        args=slug,
        visitor=401,
        note="a seat holder only; members without a seat and staff get 404",
    ),
    api("POST /api/v1/betas/{slug}/withdraw", {MEMBER: 200}, args=slug, visitor=401),
    api("GET /api/v1/betas/{slug}/plans", (MEMBER, *MANAGERS), args=slug, visitor=401),
    api("GET /api/v1/betas/{slug}/reports", (MEMBER, *MANAGERS), args=slug, visitor=401),
    api(
        "POST /api/v1/betas/{slug}/reports",
        {MEMBER: 201},
        args=slug,
        data=lambda w: {
            "title": "Range jumps",
            "steps": "Start the car",
            "expected": "Stable",
            "actual": "Jumps",
            "severity": "medium",
            "device": "SU7",
            "build": "1.6",
        },
        visitor=401,
    ),
    api(
        "PUT /api/v1/betas/{slug}/reports/{report_id}",
        {MEMBER: 409},
        args=lambda w: {"slug": running(w).slug, "report_id": report(w).pk},
        data=lambda w: {
            "title": "Range jumps",
            "steps": "Start the car",
            "expected": "Stable",
            "actual": "Jumps",
            "severity": "medium",
            "device": "SU7",
            "build": "1.6",
        },
        visitor=401,
        note="the member's own report; 409 while no changes are requested",
    ),
    # API: staff.
    api("GET /api/v1/betas/{slug}/applications", MANAGERS, args=slug, visitor=401),
    api("POST /api/v1/betas/{slug}/open", MANAGERS, args=draft, visitor=401),
    api(
        "POST /api/v1/betas/{slug}/selection",
        MANAGERS,
        ok=409,
        args=open_programme,
        visitor=401,
        note="staff reach the service, which refuses while applications are open",
    ),
    api(
        "POST /api/v1/betas/{slug}/applications/{application_id}/decision",
        MANAGERS,
        args=lambda w: {"slug": running(w).slug, "application_id": running(w).applications.get().pk},
        data=lambda w: {"status": "declined"},
        visitor=401,
    ),
    api(
        "POST /api/v1/betas/{slug}/reports/{report_id}/review",
        MANAGERS,
        args=lambda w: {"slug": running(w).slug, "report_id": report(w).pk},
        data=lambda w: {"decision": "approved", "note": ""},
        visitor=401,
    ),
    api("POST /api/v1/betas/{slug}/finish", MANAGERS, args=slug, visitor=401),
)

test_access = access_test(ACCESS)
