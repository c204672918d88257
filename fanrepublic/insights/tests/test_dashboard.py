"""The republic's dashboard: each figure equals the count or sum a reader would make by
hand from the rows behind it; the snapshot is what the page serves; only operators and
the founder see it, refresh it (audited) and download it."""

import pytest
from django.urls import reverse

from fanrepublic.betas.tests.factories import ApplicationFactory, BetaProgrammeFactory, TestReportFactory
from fanrepublic.campaigns.tests.factories import CampaignFactory
from fanrepublic.core.errors import Forbidden
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.tests.csvcheck import assert_csv_safe
from fanrepublic.governance.tests.factories import BallotFactory, VoteFactory, VoteOptionFactory
from fanrepublic.insights import dashboard, services
from fanrepublic.insights.models import DashboardSnapshot
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator

from .factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db


def test_an_empty_community_has_every_figure_and_no_made_up_value():
    snapshot = dashboard.refresh()
    assert set(snapshot.figures) == {figure.code for figure in dashboard.FIGURES}
    assert snapshot.figures["cocreator_nps_gap"]["value"] is None
    assert snapshot.figures["user_contributed_share"]["value"] is None
    assert snapshot.figures["beta_seats"]["value"] == 0


def test_the_figures_are_the_counts_behind_them():
    programme = BetaProgrammeFactory()
    for status in ("selected", "selected", "declined"):
        ApplicationFactory(programme=programme, status=status)
    for status in ("approved", "approved", "rejected", "submitted"):
        TestReportFactory(programme=programme, status=status)
    CampaignFactory(status="open", deposits_held_fen=150_000, backer_count=3)
    CampaignFactory(status="failed", deposits_held_fen=90_000, backer_count=9)  # refunded: not counted
    vote = VoteFactory()
    VoteOptionFactory(vote=vote)
    for _ in range(4):
        BallotFactory(vote=vote)
    for score, co in [(10, True)] * 5 + [(3, False)] * 4 + [(9, False)] * 2:
        SurveyResponseFactory(score=score, was_co_creator=co)
    figures = dashboard.refresh().figures
    assert figures["beta_seats"]["value"] == 2
    assert figures["beta_report_approval"]["value"] == pytest.approx(66.7)  # 2 of 3 reviewed
    assert figures["campaign_deposits"]["value"] == 1500 and figures["campaign_backers"]["value"] == 3
    assert figures["vote_ballots"]["value"] == 4
    # Co-creators: 5 promoters (NPS 100); others: 4 detractors and 2 promoters (NPS −33.3).
    assert figures["cocreator_nps_gap"]["value"] == pytest.approx(133.3, abs=0.1)


def test_small_groups_give_no_nps_gap():
    for score, co in [(10, True)] * 4 + [(3, False)] * 6:
        SurveyResponseFactory(score=score, was_co_creator=co)
    assert dashboard.refresh().figures["cocreator_nps_gap"]["value"] is None


def test_refreshing_is_for_the_deciders_and_is_audited(client):
    with pytest.raises(Forbidden):
        services.dashboard_refresh(actor=engineer())
    boss = founder()
    services.dashboard_refresh(actor=boss)
    assert AuditEntry.objects.filter(actor=boss, action="insights.dashboard.refreshed").exists()
    for _ in range(services.DASHBOARD_KEPT + 3):
        services.dashboard_refresh()
    assert DashboardSnapshot.objects.count() == services.DASHBOARD_KEPT


def test_the_page_serves_the_snapshot_in_both_languages_and_exports_it(client):
    CampaignFactory(status="open", deposits_held_fen=150_000, backer_count=3)
    services.dashboard_refresh()
    client.force_login(operator())
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert "¥1,500" in page and "Pre-order deposits" in page
    client.force_login(operator(language="zh-hans"))
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert "预售定金" in page and "共和国仪表盘" in page
    export = client.get(reverse("insights:dashboard_export"))
    rows = assert_csv_safe(export)
    assert len(rows) == len(dashboard.FIGURES) + 1
    client.force_login(MemberFactory())
    assert client.get(reverse("insights:dashboard")).status_code == 404
