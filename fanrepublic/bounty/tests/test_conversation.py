"""The reporter–triage conversation is private to the reporter and triage, on the page
and in the API, for public reports, security reports and disclosed ones alike.

The penetration test read the threads of 24 other members' reports through
`GET /api/v1/bounty/reports/{id}/messages`, and the report page showed them to visitors."""

import pytest
from django.utils import timezone

from fanrepublic.bounty.tests.factories import BountyReportFactory, ReportMessageFactory
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, security, store_manager

pytestmark = pytest.mark.django_db
SECRET_WORDS = "my phone number is 138-0000-0000"


def thread(report, triager):
    ReportMessageFactory(
        report=report, author=report.reporter, body=SECRET_WORDS, body_html=f"<p>{SECRET_WORDS}</p>"
    )
    ReportMessageFactory(
        report=report,
        author=triager,
        body="internal: likely dup",
        body_html="<p>internal: likely dup</p>",
        is_internal=True,
    )


def api_get(client, user, report):
    headers = {}
    if user is not None:
        _t, secret = api_token_create(owner=user, name="t", scopes=["read"])
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client.get(f"/api/v1/bounty/reports/{report.pk}/messages", **headers)


def page(client, user, report):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(report.get_absolute_url())


@pytest.mark.parametrize(
    "kind", ["public", "disclosed security"], ids=["public report", "disclosed security report"]
)
class TestOutsiders:
    @pytest.mark.parametrize("who", ["visitor", "member", "store manager"])
    def test_see_the_report_but_never_the_conversation(self, client, kind, who):
        report = BountyReportFactory(
            is_security=kind != "public", disclosed_at=timezone.now() if kind != "public" else None
        )
        thread(report, security() if report.is_security else engineer())
        user = {"visitor": None, "member": MemberFactory(), "store manager": store_manager()}[who]
        response = page(client, user, report)
        assert response.status_code == 200
        assert (
            SECRET_WORDS not in response.content.decode() and "Conversation" not in response.content.decode()
        )
        if user is None:
            assert api_get(client, None, report).status_code == 401
        else:
            assert api_get(client, user, report).status_code == 404


class TestParticipants:
    def test_the_reporter_reads_the_thread_without_internal_notes(self, client):
        report = BountyReportFactory()
        thread(report, engineer())
        body = api_get(client, report.reporter, report).json()
        assert [m["body"] for m in body] == [SECRET_WORDS]
        assert SECRET_WORDS in page(client, report.reporter, report).content.decode()

    @pytest.mark.parametrize("make", [engineer, operator])
    def test_triage_reads_everything_on_ordinary_reports(self, client, make):
        report = BountyReportFactory()
        thread(report, engineer())
        assert len(api_get(client, make(), report).json()) == 2

    def test_only_security_triage_reads_a_security_thread(self, client):
        report = BountyReportFactory(is_security=True, disclosed_at=timezone.now())
        thread(report, security())
        assert len(api_get(client, security(), report).json()) == 2
        # an engineer may read the disclosed report, not the security conversation
        assert api_get(client, engineer(), report).status_code == 404
