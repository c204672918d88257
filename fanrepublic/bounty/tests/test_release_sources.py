"""Bounty findings as release items (bounty/release_sources.py), given/when/then: a
valid report ships under its own title and is marked fixed when the release publishes,
the workbench offers valid reports to whoever may see them, and the changelog links a
report only where everyone may read it."""

import pytest
from django.urls import reverse

from fanrepublic.bounty.enums import ReportStatus
from fanrepublic.bounty.tests.factories import BountyReportFactory
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory, engineer, security
from fanrepublic.releases import services as releases
from fanrepublic.releases.models import ReleaseItem

pytestmark = pytest.mark.django_db


def planned(product_line, actor=None):
    return releases.release_create(actor=actor or engineer(), product_line=product_line, version="9.0.1")


class TestBountyFindings:
    def test_a_valid_report_ships_under_its_title_and_is_then_fixed(self, on_commit):
        report = BountyReportFactory(status=ReportStatus.VALID, title="Camera crashes on 5x")
        eng = engineer()
        fix = planned(report.product_line, eng)
        item = releases.release_item_add(actor=eng, release=fix, source="bounty_finding", source_id=report.pk)
        assert (item.title, item.contributor) == ("Camera crashes on 5x", report.reporter)
        with on_commit():
            releases.release_publish(actor=eng, release=fix)
        report.refresh_from_db()
        assert report.status == ReportStatus.FIXED and report.fixed_in == fix

    def test_only_a_valid_report_ships_and_a_missing_one_is_a_404(self):
        fresh = BountyReportFactory(status=ReportStatus.NEW)
        fix, eng = planned(fresh.product_line), engineer()
        with pytest.raises(ValidationFailed) as exc:
            releases.release_item_add(actor=eng, release=fix, source="bounty_finding", source_id=fresh.pk)
        assert "source_id" in exc.value.errors
        with pytest.raises(NotFound):
            releases.release_item_add(actor=eng, release=fix, source="bounty_finding", source_id=999999)
        assert not ReleaseItem.objects.exists()


class TestOnTheReleasePages:
    def test_the_workbench_offers_valid_reports_private_ones_to_security_only(self, client):
        public = BountyReportFactory(status=ReportStatus.VALID, title="Lens switch crash")
        private = BountyReportFactory(
            status=ReportStatus.VALID,
            title="Lock screen bypass",
            is_security=True,
            release__product_line=public.product_line,
        )
        BountyReportFactory(status=ReportStatus.NEW, title="Still in triage", release=public.release)
        fix = planned(public.product_line)
        url = reverse("releases:workbench", args=[fix.pk])
        client.force_login(engineer())
        page = client.get(url).content.decode()
        assert f"#{public.pk} Lens switch crash" in page
        assert "Lock screen bypass" not in page and "Still in triage" not in page
        client.force_login(security(language="zh-hans"))
        page = client.get(url).content.decode()
        assert f"#{private.pk} Lock screen bypass" in page and "漏洞悬赏发现" in page
        form = {"source": "bounty_finding", "source_id": private.pk, "kind": "fix"}
        no_title = client.post(url, form)
        assert no_title.status_code == 422 and not ReleaseItem.objects.exists()  # it stays private
        assert client.post(url, {**form, "title": "Lock screen fix"}).status_code == 302
        assert f"漏洞悬赏发现 #{private.pk}" in client.get(url).content.decode()

    def test_the_changelog_links_a_report_only_where_everyone_may_read_it(self, client, on_commit):
        public = BountyReportFactory(status=ReportStatus.VALID, title="Lens switch crash")
        private = BountyReportFactory(
            status=ReportStatus.VALID, is_security=True, release__product_line=public.product_line
        )
        sec = security()
        fix = planned(public.product_line, sec)
        for report, title in ((public, ""), (private, "Lock screen fix")):
            releases.release_item_add(
                actor=sec, release=fix, source="bounty_finding", source_id=report.pk, title=title
            )
        with on_commit():
            releases.release_publish(actor=sec, release=fix)
        client.force_login(MemberFactory())
        page = client.get(fix.get_absolute_url()).content.decode()
        assert f'<a href="{public.get_absolute_url()}">Lens switch crash</a>' in page
        assert "Lock screen fix" in page and private.get_absolute_url() not in page
        assert private.title not in page
        # nor does the public API give away the private report's number
        items = {i["title"]: i for i in client.get(f"/api/v1/releases/{fix.pk}").json()["items"]}
        assert items["Lock screen fix"]["source_id"] is None
        assert items["Lens switch crash"]["source_id"] == public.pk
        client.force_login(sec)
        items = {i["title"]: i for i in client.get(f"/api/v1/releases/{fix.pk}").json()["items"]}
        assert items["Lock screen fix"]["source_id"] == private.pk
