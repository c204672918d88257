"""Approved test reports as release items (betas/release_sources.py), given/when/then:
they ship under a public title of their own, credit the tester, are offered on the
release workbench to the staff who run betas, and lend no link to the public changelog."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.betas.tests.factories import TestReportFactory
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, security
from fanrepublic.notifications.models import Notification
from fanrepublic.releases import services as releases
from fanrepublic.releases.models import ReleaseItem

pytestmark = pytest.mark.django_db


def planned(product_line, actor=None):
    return releases.release_create(actor=actor or engineer(), product_line=product_line, version="2.1.3")


class TestBetaReportItems:
    def test_an_approved_beta_report_ships_under_a_public_title_and_credits_the_tester(self, on_commit):
        board = BoardFactory()
        release = planned(board.product_line)
        report = TestReportFactory(status="approved", programme__product_line=board.product_line)
        with pytest.raises(ValidationFailed) as exc:  # the beta is confidential: no default title
            releases.release_item_add(
                actor=engineer(), release=release, source="beta_report", source_id=report.pk
            )
        assert "title" in exc.value.errors
        item = releases.release_item_add(
            actor=engineer(),
            release=release,
            source="beta_report",
            source_id=report.pk,
            title="Faster cabin heating",
        )
        assert item.contributor == report.tester and item.user_contributed
        assert (item.source, item.source_type, item.source_id) == ("beta_report", "beta_report", report.pk)
        with on_commit():
            releases.release_publish(actor=engineer(), release=release)
        assert Notification.objects.filter(recipient=report.tester, kind="release").exists()

    def test_an_unapproved_or_unseen_beta_report_is_refused(self):
        release = planned(BoardFactory().product_line)
        pending = TestReportFactory(status="submitted")
        with pytest.raises(ValidationFailed) as exc:
            releases.release_item_add(
                actor=engineer(), release=release, source="beta_report", source_id=pending.pk, title="x y z"
            )
        assert "source_id" in exc.value.errors
        approved = TestReportFactory(status="approved")
        with pytest.raises(NotFound):  # security triage may plan releases but not see betas
            releases.release_item_add(
                actor=security(), release=release, source="beta_report", source_id=approved.pk, title="x y z"
            )
        with pytest.raises(NotFound):  # and a missing report answers the same
            releases.release_item_add(
                actor=engineer(), release=release, source="beta_report", source_id=999999, title="x y z"
            )
        assert not ReleaseItem.objects.exists()


class TestOnTheReleasePages:
    def test_the_workbench_offers_approved_reports_to_beta_staff_only(self, client):
        board = BoardFactory()
        release = planned(board.product_line)
        approved = TestReportFactory(
            status="approved",
            programme__product_line=board.product_line,
            title="Heater lag",
            reviewed_at=timezone.now(),
        )
        TestReportFactory(status="submitted", programme__product_line=board.product_line, title="Not yet")
        url = reverse("releases:workbench", args=[release.pk])
        client.force_login(engineer())
        page = client.get(url).content.decode()
        assert f"#{approved.pk} Heater lag" in page and "Not yet" not in page
        assert 'data-source="beta_report"' in page
        added = client.post(
            url,
            {"source": "beta_report", "source_id": approved.pk, "kind": "fix", "title": "Warmer mornings"},
        )
        assert added.status_code == 302
        assert release.items.get().source_id == approved.pk
        page = client.get(url).content.decode()
        assert f"#{approved.pk} Heater lag" not in page and f"Beta test report #{approved.pk}" in page
        client.force_login(engineer(language="zh-hans"))
        assert f"内测报告 #{approved.pk}" in client.get(url).content.decode()
        client.force_login(security())
        assert 'data-source="beta_report"' not in client.get(url).content.decode()

    def test_the_public_changelog_links_no_beta_report(self, client, on_commit):
        board = BoardFactory()
        release = planned(board.product_line)
        report = TestReportFactory(status="approved", programme__product_line=board.product_line)
        releases.release_item_add(
            actor=engineer(),
            release=release,
            source="beta_report",
            source_id=report.pk,
            title="Warmer mornings",
        )
        releases.release_publish(actor=engineer(), release=release)
        client.force_login(MemberFactory())
        page = client.get(release.get_absolute_url()).content.decode()
        assert "Warmer mornings" in page and report.programme.slug not in page
        zh = client.get(release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "Warmer mornings" in zh
