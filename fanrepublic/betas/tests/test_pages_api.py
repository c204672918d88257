"""Beta pages and API: what members, testers and staff each see and may do; the
confidential brief never reaches anyone else; the draw page lets anyone check tickets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.betas.enums import ApplicationStatus, ProgrammeStatus
from fanrepublic.betas.models import Application, BetaProgramme, TestReport
from fanrepublic.betas.tests.factories import (
    ApplicationQuestionFactory,
    BetaProgrammeFactory,
    EntitlementFactory,
    TestPlanFactory,
    TestReportAttachmentFactory,
    TestReportFactory,
)
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, store_manager

pytestmark = pytest.mark.django_db
BRIEF = "SECRET: the new heat pump arrives in build 1.7"


def running(**kwargs):
    programme = BetaProgrammeFactory(open=True, brief=BRIEF, **kwargs)
    BetaProgramme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.SELECTED)
    programme.refresh_from_db()
    return programme


def seat(programme, member=None, nda=True):
    return Application.objects.create(
        programme=programme,
        member=member or MemberFactory(),
        status=ApplicationStatus.SELECTED,
        ticket="0",
        nda_accepted_at=timezone.now() if nda else None,
    )


class TestPublicAndMemberPages:
    def test_drafts_are_invisible_to_members(self, client):
        draft = BetaProgrammeFactory()
        client.force_login(MemberFactory())
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert draft.name not in client.get(reverse("betas:index")).content.decode()
        client.force_login(operator())
        assert client.get(draft.get_absolute_url()).status_code == 200

    def test_the_brief_is_shown_only_to_testers_who_signed_the_nda(self, client):
        programme = running()
        TestPlanFactory(programme=programme, title="Cold start plan")
        unsigned = seat(programme, nda=False)
        signed = seat(programme)
        for viewer in (None, MemberFactory(), unsigned.member):
            client.logout()
            if viewer:
                client.force_login(viewer)
            page = client.get(programme.get_absolute_url()).content.decode()
            assert BRIEF not in page and "Cold start plan" not in page
        client.force_login(unsigned.member)
        assert "I accept the NDA" in client.get(programme.get_absolute_url()).content.decode()
        client.force_login(signed.member)
        page = client.get(programme.get_absolute_url()).content.decode()
        assert BRIEF in page and "Cold start plan" in page

    def test_accepting_the_nda_needs_the_box_ticked(self, client):
        programme = running()
        application = seat(programme, nda=False)
        client.force_login(application.member)
        client.post(reverse("betas:nda", args=[programme.slug]))
        application.refresh_from_db()
        assert application.nda_accepted_at is None
        client.post(reverse("betas:nda", args=[programme.slug]), {"agree": "yes"})
        application.refresh_from_db()
        assert application.nda_accepted_at is not None

    def test_apply_with_answers_and_see_the_status(self, client):
        programme = BetaProgrammeFactory(open=True)
        question = ApplicationQuestionFactory(programme=programme, kind="yes_no")
        fan = MemberFactory()
        client.force_login(fan)
        bad = client.post(reverse("betas:apply", args=[programme.slug]), {f"q{question.pk}": "maybe"})
        assert bad.status_code == 422 and not Application.objects.exists()
        client.post(reverse("betas:apply", args=[programme.slug]), {f"q{question.pk}": "yes"})
        assert Application.objects.get().member == fan
        page = client.get(programme.get_absolute_url()).content.decode()
        assert 'data-testid="application-status">Applied<' in page

    def test_an_ineligible_member_sees_why(self, client):
        programme = BetaProgrammeFactory(open=True, min_trust_level=3)
        client.force_login(MemberFactory(trust_level=0))
        page = client.get(programme.get_absolute_url()).content.decode()
        assert 'data-testid="not-eligible"' in page and "trust level 3" in page

    def test_a_tester_files_a_report_and_others_cannot(self, client):
        programme = running()
        tester = seat(programme)
        data = {
            "title": "Heat pump noisy",
            "steps": "Start the car at -10 °C and wait",
            "expected": "Quiet",
            "actual": "Loud rattle",
            "severity": "medium",
            "device": "SU7",
            "build": "1.6.8",
        }
        client.force_login(MemberFactory())
        assert client.post(reverse("betas:report", args=[programme.slug]), data).status_code == 404
        client.force_login(tester.member)
        assert (
            client.post(reverse("betas:report", args=[programme.slug]), {**data, "title": ""}).status_code
            == 422
        )
        assert client.post(reverse("betas:report", args=[programme.slug]), data).status_code == 302
        assert TestReport.objects.get().tester == tester.member

    def test_report_screenshots_are_confidential(self, client):
        programme = running()
        tester = seat(programme)
        shot = TestReportAttachmentFactory(
            report=TestReportFactory(programme=programme, tester=tester.member)
        )
        url = reverse("betas:attachment", args=[programme.slug, shot.report_id, shot.pk])
        client.force_login(MemberFactory())
        assert client.get(url).status_code == 404
        client.force_login(tester.member)
        assert client.get(url).status_code == 200

    def test_the_draw_page_lists_tickets_after_selection(self, client):
        programme = running()
        application = seat(programme)
        Application.objects.filter(pk=application.pk).update(ticket="abc123", selected_by="draw")
        page = client.get(reverse("betas:draw", args=[programme.slug])).content.decode()
        assert programme.seed in page and "abc123" in page and "sha256sum" in page

    def test_the_profile_shows_entitlements(self, client):
        granted = EntitlementFactory(name="Lifetime free OTA upgrades")
        page = client.get(reverse("members:profile", args=[granted.member.username])).content.decode()
        assert "Lifetime free OTA upgrades" in page

    def test_pages_in_chinese(self, client):
        programme = BetaProgrammeFactory(open=True)
        page = client.get(programme.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "冬季标定测试" in page and "内测" in page


class TestStaffPages:
    @pytest.mark.parametrize("role", [None, store_manager])
    def test_members_and_other_staff_get_404(self, client, role):
        programme = BetaProgrammeFactory()
        client.force_login(role() if role else MemberFactory())
        assert client.get(reverse("betas:staff")).status_code == 404
        assert client.get(reverse("betas:manage", args=[programme.slug])).status_code == 404
        assert (
            client.post(reverse("betas:action", args=[programme.slug]), {"action": "open"}).status_code == 404
        )
        programme.refresh_from_db()
        assert programme.status == ProgrammeStatus.DRAFT

    def test_create_open_select_review_and_finish_from_the_pages(self, client):
        from fanrepublic.products.tests.factories import ProductLineFactory

        line = ProductLineFactory()
        client.force_login(operator())
        data = {
            "product_line": line.pk,
            "slug": "winter",
            "name": "Winter test",
            "summary": "Cold driving",
            "nda": "Keep it secret",
            "capacity": "1",
            "ranked_seats": "0",
            "rank_by": "contribution",
            "min_trust_level": "0",
            "applications_close_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
            "min_approved_reports": "1",
            "completion_perk": "Lifetime free OTA upgrades",
        }
        assert client.post(reverse("betas:new"), {**data, "ends_on": "2029-12-01"}).status_code == 422
        assert client.post(reverse("betas:new"), {**data, "ranked_seats": "5"}).status_code == 422
        assert client.post(reverse("betas:new"), data).status_code == 302
        programme = BetaProgramme.objects.get(slug="winter")
        action = reverse("betas:action", args=["winter"])
        client.post(action, {"action": "question", "prompt": "Your car?", "kind": "choice", "choices": "SU7"})
        assert not programme.questions.exists()  # one option is not a choice
        client.post(
            action, {"action": "question", "prompt": "Your car?", "kind": "choice", "choices": "SU7, SU7 Max"}
        )
        assert programme.questions.get().choices == ["SU7", "SU7 Max"]
        client.post(action, {"action": "open"})
        programme.refresh_from_db()
        assert programme.status == ProgrammeStatus.OPEN and programme.seed
        fan = MemberFactory()
        Application.objects.create(programme=programme, member=fan, ticket="1")
        BetaProgramme.objects.filter(pk=programme.pk).update(
            applications_close_at=timezone.now() - timedelta(minutes=1)
        )
        client.post(action, {"action": "select"})
        assert Application.objects.get().status == ApplicationStatus.SELECTED
        Application.objects.update(nda_accepted_at=timezone.now())
        report = TestReportFactory(programme=programme, tester=fan)
        client.post(action, {"action": "review", "report": report.pk, "decision": "rejected"})  # no note
        report.refresh_from_db()
        assert report.status == "submitted"
        client.post(action, {"action": "review", "report": report.pk, "decision": "approved"})
        client.post(action, {"action": "finish"})
        programme.refresh_from_db()
        assert (
            programme.status == ProgrammeStatus.FINISHED
            and fan.entitlements.get().name == "Lifetime free OTA upgrades"
        )

    def test_an_unknown_action_changes_nothing(self, client):
        programme = BetaProgrammeFactory()
        client.force_login(engineer())
        response = client.post(
            reverse("betas:action", args=[programme.slug]), {"action": "explode"}, follow=True
        )
        assert "Unknown action" in response.content.decode()


def bearer(user):
    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestApi:
    def test_apply_and_read_my_application(self, client):
        programme = BetaProgrammeFactory(open=True)
        question = ApplicationQuestionFactory(programme=programme)
        fan = MemberFactory()
        body = {"answers": {f"q{question.pk}": "Harbin"}}
        created = client.post(
            f"/api/v1/betas/{programme.slug}/applications", body, "application/json", **bearer(fan)
        )
        assert created.status_code == 201
        again = client.post(
            f"/api/v1/betas/{programme.slug}/applications", body, "application/json", **bearer(fan)
        )
        assert again.status_code == 409
        assert (
            client.get(f"/api/v1/betas/{programme.slug}/application", **bearer(fan)).json()["status"]
            == "applied"
        )
        listed = client.get("/api/v1/betas").json()
        assert listed[0]["questions"][0]["field"] == f"q{question.pk}"

    def test_plans_are_404_until_the_nda(self, client):
        programme = running()
        application = seat(programme, nda=False)
        url = f"/api/v1/betas/{programme.slug}/plans"
        assert client.get(url, **bearer(application.member)).status_code == 404
        client.post(f"/api/v1/betas/{programme.slug}/nda", **bearer(application.member))
        assert client.get(url, **bearer(application.member)).status_code == 200

    def test_the_nda_is_missing_for_members_without_a_seat(self, client):
        # Given a running programme, one seat holder, and members who hold no seat:
        # one who never applied, one on the waiting list, and staff who run betas
        programme = running()
        holder = seat(programme, nda=False)
        waiting = seat(programme, nda=False)
        Application.objects.filter(pk=waiting.pk).update(status=ApplicationStatus.WAITLISTED)
        url = f"/api/v1/betas/{programme.slug}/nda"
        for member in (MemberFactory(), waiting.member, operator()):
            # When they read or accept the NDA, then it does not exist for them
            assert client.get(url, **bearer(member)).status_code == 404
            assert client.post(url, **bearer(member)).status_code == 404
            assert client.post(url + "?nda_sha256=" + "0" * 64, **bearer(member)).status_code == 404
        assert not Application.objects.filter(nda_accepted_at__isnull=False).exists()
        # The seat holder reads the text and accepts exactly what they read
        read = client.get(url, **bearer(holder.member)).json()
        assert read["text"] == programme.nda and read["accepted_at"] is None
        accepted = client.post(f"{url}?nda_sha256={read['sha256']}", **bearer(holder.member))
        assert accepted.status_code == 200 and accepted.json()["nda_sha256"] == read["sha256"]
        assert client.get(url, **bearer(holder.member)).json()["accepted_at"] is not None

    def test_the_nda_page_is_missing_for_members_without_a_seat(self, client):
        programme = running()
        waiting = seat(programme, nda=False)
        Application.objects.filter(pk=waiting.pk).update(status=ApplicationStatus.WAITLISTED)
        for member in (MemberFactory(), waiting.member, operator()):
            client.force_login(member)
            for data in ({}, {"agree": "yes"}):
                assert client.post(reverse("betas:nda", args=[programme.slug]), data).status_code == 404
        assert not Application.objects.filter(nda_accepted_at__isnull=False).exists()

    def test_staff_endpoints_are_404_for_members(self, client):
        programme = BetaProgrammeFactory()
        auth = bearer(MemberFactory())
        for path in ("open", "selection", "finish"):
            assert client.post(f"/api/v1/betas/{programme.slug}/{path}", **auth).status_code == 404
        assert client.get(f"/api/v1/betas/{programme.slug}/applications", **auth).status_code == 404

    def test_staff_run_the_programme_through_the_api(self, client):
        programme = BetaProgrammeFactory(capacity=1)
        auth = bearer(operator())
        assert client.post(f"/api/v1/betas/{programme.slug}/open", **auth).json()["status"] == "open"
        fans = [MemberFactory() for _ in range(2)]
        for fan in fans:
            client.post(
                f"/api/v1/betas/{programme.slug}/applications",
                {"answers": {}},
                "application/json",
                **bearer(fan),
            )
        BetaProgramme.objects.filter(pk=programme.pk).update(
            applications_close_at=timezone.now() - timedelta(minutes=1)
        )
        counts = client.post(f"/api/v1/betas/{programme.slug}/selection", **auth).json()
        assert counts == {"selected": 1, "waitlisted": 1, "declined": 0}
        waiting = Application.objects.get(status="waitlisted")
        over = client.post(
            f"/api/v1/betas/{programme.slug}/applications/{waiting.pk}/decision",
            {"status": "selected"},
            "application/json",
            **auth,
        )
        assert over.status_code == 409  # over capacity
        draw = client.get(f"/api/v1/betas/{programme.slug}/draw").json()
        assert len(draw) == 2 and all(len(row["ticket"]) == 64 for row in draw)


def test_a_tester_revises_a_report_with_changes_requested(client):
    programme = running()
    tester = seat(programme)
    report = TestReportFactory(
        programme=programme, tester=tester.member, status="changes_requested", review_note="Temp?"
    )
    url = reverse("betas:report_edit", args=[programme.slug, report.pk])
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 404
    client.force_login(tester.member)
    assert "Temp?" in client.get(url).content.decode()
    data = {
        "title": report.title,
        "steps": report.steps + " At -12 °C.",
        "expected": "Stable",
        "actual": "Jumps",
        "severity": "medium",
        "device": "SU7",
        "build": "1.7",
    }
    assert client.post(url, {**data, "severity": "odd"}).status_code == 422
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.steps.endswith("-12 °C.")
    assert client.post(url, data).status_code == 409  # already back in review
