"""The republic's dashboard: each figure equals the count or sum a reader would make by
hand from the rows behind it; the snapshot is what the page serves; only operators and
the founder see it, refresh it (audited) and download it."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from fanrepublic.betas.tests.factories import ApplicationFactory, BetaProgrammeFactory, TestReportFactory
from fanrepublic.campaigns.tests.factories import CampaignFactory
from fanrepublic.core.errors import Forbidden
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.tests.csvcheck import assert_csv_safe
from fanrepublic.governance.tests.factories import BallotFactory, VoteFactory, VoteOptionFactory
from fanrepublic.insights import dashboard, services
from fanrepublic.insights.models import ClvFit, DashboardSnapshot
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator
from fanrepublic.points.services import points_award
from fanrepublic.rewards.tests.factories import RewardFactory

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


def test_bounty_points_are_valued_at_the_rewards_store_prices(client):
    hunter, other = MemberFactory(username="hunter"), MemberFactory()
    points_award(member=hunter, points=3000, key="t:1", memo="valid report", kind="bounty")
    points_award(member=hunter, points=1000, key="t:2", memo="valid report", kind="bounty")
    points_award(member=other, points=500, key="t:3", memo="valid report", kind="bounty")
    points_award(member=other, points=9999, key="t:4", memo="a welcome gift")  # not bounty
    # No retail prices yet: the points are shown, their yuan value is not guessed.
    figures = dashboard.refresh().figures
    assert figures["bounty_points_paid"]["value"] == 4500
    assert figures["bounty_points_paid"]["detail"][0] is None
    # ¥249 for 3000 points and ¥79 for 1000: 328 / 4000 = ¥0.082 a point. A withdrawn
    # reward and one without a retail price do not set the rate.
    RewardFactory(price_points=3000, retail_price=Decimal("249.00"))
    RewardFactory(price_points=1000, retail_price=Decimal("79.00"))
    RewardFactory(price_points=500)
    RewardFactory(price_points=10, retail_price=Decimal("999.00"), is_active=False)
    figures = dashboard.refresh().figures
    assert figures["bounty_points_paid"]["detail"] == [pytest.approx(4500 * 0.082), 0.082]
    assert figures["bounty_top_month"]["value"] == 4000
    assert figures["bounty_top_month"]["rows"][0] == ["hunter", 4000, pytest.approx(328.0)]
    client.force_login(founder())
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert "≈ ¥369 at the store&#x27;s prices (¥0.082 a point)" in page


def test_small_groups_give_no_nps_gap():
    for score, co in [(10, True)] * 4 + [(3, False)] * 6:
        SurveyResponseFactory(score=score, was_co_creator=co)
    assert dashboard.refresh().figures["cocreator_nps_gap"]["value"] is None


def test_refreshing_is_for_the_deciders_is_audited_and_runs_as_a_task(
    client, django_capture_on_commit_callbacks
):
    with pytest.raises(Forbidden):
        services.dashboard_refresh_request(actor=engineer())
    boss = founder()
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("insights:dashboard_refresh"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(actor=boss, action="insights.dashboard.refreshed").exists()
    # Nothing computed inside the request: the task does it once the request commits.
    assert not DashboardSnapshot.objects.exists() and len(queued) == 1
    queued[0]()
    assert DashboardSnapshot.objects.count() == 1
    for _ in range(services.DASHBOARD_KEPT + 3):
        services.dashboard_refresh()
    assert DashboardSnapshot.objects.count() == services.DASHBOARD_KEPT


@override_settings(INSIGHTS_RECOMPUTE_RATE="2/h")
def test_an_operator_recomputing_again_and_again_is_told_to_wait(client, django_capture_on_commit_callbacks):
    client.force_login(operator())
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(reverse("insights:dashboard_refresh")).status_code == 302
        response = client.post(reverse("insights:dashboard_refresh"))
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        # The same count covers comparisons and fits: each is a pass over the history.
        assert client.post(reverse("insights:effects_compute"), {"kinds": ["vote"]}).status_code == 429
        response = client.post(
            reverse("insights:refit"), {"years": 2, "holdout_days": 30, "horizon_days": 180}
        )
        assert response.status_code == 429
    assert DashboardSnapshot.objects.count() == 2 and not ClvFit.objects.exists()
    # Another operator is counted apart.
    client.force_login(operator())
    assert client.post(reverse("insights:dashboard_refresh")).status_code == 302


def test_the_page_serves_the_snapshot_in_both_languages_and_exports_it(client):
    CampaignFactory(status="open", deposits_held_fen=150_000, backer_count=3)
    services.dashboard_refresh()
    client.force_login(operator())
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert "¥1,500" in page and "Pre-order deposits" in page
    client.force_login(operator(language="zh-hans"))
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert "预售定金" in page and "共和国仪表盘" in page
    assert client.get(reverse("insights:dashboard_export")).status_code == 405  # a link cannot audit
    export = client.post(reverse("insights:dashboard_export"))
    rows = assert_csv_safe(export)
    assert len(rows) == len(dashboard.FIGURES) + 1
    client.force_login(MemberFactory())
    assert client.get(reverse("insights:dashboard")).status_code == 404
