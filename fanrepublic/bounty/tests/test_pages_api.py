"""Bug bounty pages and API: filing on the web with screenshots, the similar-reports
panel, triage, private security reports answering 404, attachments served with the
report's permissions, the hall of fame, and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fanrepublic.bounty.enums import ReportStatus
from fanrepublic.bounty.models import BountyReport
from fanrepublic.bounty.tests.factories import (
    BountyReportFactory,
    PublishedReleaseFactory,
    ReportAttachmentFactory,
    RewardTierFactory,
)
from fanrepublic.forum.tests.test_services import png_bytes
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, security, store_manager
from fanrepublic.releases.tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def form_data(version, **overrides):
    return {
        "release": version.pk,
        "title": "Camera crashes when switching lenses",
        "steps": "1. Open the camera 2. Tap 5x",
        "expected": "The lens switches",
        "actual": "The app closes",
        "claimed_severity": "high",
        **overrides,
    }


class TestPages:
    def test_programme_shows_the_reward_table_and_public_reports_only(self, client):
        RewardTierFactory(severity="critical", points=3000)
        BountyReportFactory(title="Public camera crash")
        BountyReportFactory(title="Private lock screen bypass", is_security=True)
        page = client.get(reverse("bounty:programme")).content.decode()
        assert "3000" in page and "Public camera crash" in page and "lock screen bypass" not in page

    def test_a_member_files_a_report_with_a_screenshot(self, client):
        release = PublishedReleaseFactory()
        client.force_login(MemberFactory())
        shot = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
        response = client.post(reverse("bounty:new"), form_data(release, images=[shot]))
        report = BountyReport.objects.get()
        assert response.status_code == 302 and response.url == report.get_absolute_url()
        assert report.attachments.count() == 1

    @pytest.mark.parametrize(
        "overrides",
        [
            {"title": ""},
            {"steps": "x" * 5001},
            {"claimed_severity": "huge"},
            {"release": "999999"},
            {"images": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")},
        ],
    )
    def test_bad_input_files_nothing(self, client, overrides):
        client.force_login(MemberFactory())
        response = client.post(reverse("bounty:new"), form_data(PublishedReleaseFactory(), **overrides))
        assert response.status_code == 422 and 'class="errorlist' in response.content.decode()
        assert not BountyReport.objects.exists()

    def test_an_unreleased_version_is_not_offered_nor_accepted(self, client):
        planned = ReleaseFactory(version="9.9.9")
        client.force_login(MemberFactory())
        assert "9.9.9" not in client.get(reverse("bounty:new")).content.decode()
        assert client.post(reverse("bounty:new"), form_data(planned)).status_code == 422

    def test_the_similar_panel_lists_reports_that_read_alike(self, client):
        existing = BountyReportFactory(title="打开相机切换长焦镜头就闪退", actual="相机闪退")
        client.force_login(MemberFactory())
        url = reverse("bounty:similar") + f"?release={existing.release_id}&title=相机切换长焦闪退&actual="
        page = client.get(url).content.decode()
        assert f"#{existing.pk}" in page
        assert (
            client.get(reverse("bounty:similar") + "?release=99999999999999999999&title=x").status_code == 200
        )

    def test_security_reports_and_their_attachments_answer_404_to_outsiders(self, client):
        report = BountyReportFactory(is_security=True)
        shot = ReportAttachmentFactory(report=report)
        urls = [report.get_absolute_url(), reverse("bounty:attachment", args=[report.pk, shot.pk])]
        for viewer in (None, MemberFactory(), engineer()):
            client.logout()
            if viewer:
                client.force_login(viewer)
            assert [client.get(u).status_code for u in urls] == [404, 404]
        client.force_login(report.reporter)
        assert [client.get(u).status_code for u in urls] == [200, 200]
        client.force_login(security())
        assert client.get(urls[1])["Content-Type"] == "image/png"
        assert client.get(reverse("bounty:report", args=[999999])).status_code == 404

    def test_triage_from_the_report_page_pays_and_shows_the_reward(self, client):
        RewardTierFactory(severity="high", points=500)
        report = BountyReportFactory()
        client.force_login(engineer())
        assert 'data-testid="triage"' in client.get(report.get_absolute_url()).content.decode()
        client.post(reverse("bounty:triage", args=[report.pk]), {"status": "valid", "severity": "high"})
        report.refresh_from_db()
        assert report.status == ReportStatus.VALID
        assert "Paid 500 popcorn points" in client.get(report.get_absolute_url()).content.decode()

    def test_an_impossible_transition_is_explained_and_changes_nothing(self, client):
        report = BountyReportFactory(status=ReportStatus.FIXED)
        client.force_login(engineer())
        response = client.post(reverse("bounty:triage", args=[report.pk]), {"status": "invalid"}, follow=True)
        assert "cannot become" in response.content.decode()
        report.refresh_from_db()
        assert report.status == ReportStatus.FIXED

    @pytest.mark.parametrize("role", [None, store_manager])
    def test_members_cannot_triage(self, client, role):
        report = BountyReportFactory()
        client.force_login(role() if role else MemberFactory())
        assert (
            client.post(reverse("bounty:triage", args=[report.pk]), {"status": "invalid"}).status_code == 404
        )
        assert client.get(reverse("bounty:queue")).status_code == 404
        report.refresh_from_db()
        assert report.status == ReportStatus.NEW

    def test_queue_hides_security_reports_from_engineers(self, client):
        BountyReportFactory(title="Ordinary crash report")
        BountyReportFactory(title="Secret bypass report", is_security=True)
        client.force_login(engineer())
        page = client.get(reverse("bounty:queue")).content.decode()
        assert "Ordinary crash" in page and "Secret bypass" not in page
        client.force_login(security())
        assert "Secret bypass" in client.get(reverse("bounty:queue")).content.decode()

    def test_hall_of_fame_and_my_reports(self, client):
        RewardTierFactory(severity="high", points=500)
        report = BountyReportFactory()
        from fanrepublic.bounty import services

        services.report_triage(actor=engineer(), report=report, status="valid", severity="high")
        page = client.get(reverse("bounty:hall_of_fame")).content.decode()
        assert report.reporter.public_name in page and "500" in page
        client.force_login(report.reporter)
        mine = client.get(reverse("bounty:mine")).content.decode()
        assert 'data-testid="valid-count">1<' in mine

    def test_the_pages_in_chinese(self, client):
        page = client.get(reverse("bounty:programme"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "漏洞悬赏" in page


def bearer(user):
    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestApi:
    def test_file_triage_and_read_through_the_api(self, client):
        RewardTierFactory(severity="medium", points=150)
        release = PublishedReleaseFactory()
        member = MemberFactory()
        body = {k: v for k, v in form_data(release).items() if k != "release"} | {"release_id": release.pk}
        created = client.post("/api/v1/bounty/reports", body, "application/json", **bearer(member))
        assert created.status_code == 201
        rid = created.json()["id"]
        triaged = client.post(
            f"/api/v1/bounty/reports/{rid}/triage",
            {"status": "valid", "severity": "medium"},
            "application/json",
            **bearer(engineer()),
        )
        assert triaged.status_code == 200 and triaged.json()["rewarded"] is True
        again = client.post(
            f"/api/v1/bounty/reports/{rid}/triage",
            {"status": "valid"},
            "application/json",
            **bearer(engineer()),
        )
        assert again.status_code == 409
        assert client.get("/api/v1/bounty/hall-of-fame").json()[0]["points"] == 150
        assert client.get("/api/v1/bounty/rewards").json()[0]["points"] == 150

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"release_id": 999999}, "release_id"),
            ({"claimed_severity": "huge"}, "claimed_severity"),
            ({"title": "x"}, "title"),
        ],
    )
    def test_bad_input_through_the_api(self, client, change, field):
        release = PublishedReleaseFactory()
        body = {k: v for k, v in form_data(release).items() if k != "release"} | {"release_id": release.pk}
        response = client.post(
            "/api/v1/bounty/reports", body | change, "application/json", **bearer(MemberFactory())
        )
        assert response.status_code == 422 and field in response.json()["error"]["fields"]
        assert not BountyReport.objects.exists()

    def test_a_security_report_is_404_for_others_and_listed_for_its_reporter(self, client):
        report = BountyReportFactory(is_security=True)
        assert client.get(f"/api/v1/bounty/reports/{report.pk}", **bearer(engineer())).status_code == 404
        mine = client.get("/api/v1/bounty/reports?mine=true", **bearer(report.reporter)).json()
        assert [r["id"] for r in mine["items"]] == [report.pk]
        assert client.get("/api/v1/bounty/reports").json()["items"] == []
