"""Lifetime-value fits end to end: purchases in, a checked fit and every member's
figures out; who may start one; one at a time; bad input; the schedule."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.tests.csvcheck import assert_csv_safe
from fanrepublic.insights import clv, selectors, services
from fanrepublic.insights.enums import FitFailure, FitStatus, FitTrigger
from fanrepublic.insights.fitting import SCORES_KEPT, clv_fit_run
from fanrepublic.insights.models import ClvFit, ClvScore
from fanrepublic.members.tests.factories import (
    MemberFactory,
    engineer,
    founder,
    operator,
    store_manager,
)
from fanrepublic.stores.purchases import orders_import

from .factories import refund, sale, shop, simulated_members

pytestmark = pytest.mark.django_db
END = date(2026, 11, 30)


def test_purchase_days_net_refunds_on_the_sale_day_and_skip_other_currencies_and_non_members():
    member = MemberFactory()
    first = sale(member, END - timedelta(days=30), "100.00", order_id="A")
    second = sale(member, END - timedelta(days=20), "50.00", order_id="B")
    items = [
        first,
        second,
        sale(member, END - timedelta(days=20), "20.00", order_id="C"),  # same day as B
        sale(member, END - timedelta(days=10), "999.00", order_id="D", currency="USD"),
    ]
    orders_import(integration=shop(), items=items)
    orders_import(integration=shop(), items=[refund(first, order_id="R", day=END - timedelta(days=5))])
    found = sorted(selectors.member_purchase_days(start=END - timedelta(days=365), end=END))
    assert sorted((d, a) for _m, d, a in found) == sorted(
        [
            (END - timedelta(days=30), 100.0),
            (END - timedelta(days=30), -100.0),  # the refund counts on its sale's day
            (END - timedelta(days=20), 50.0),
            (END - timedelta(days=20), 20.0),
        ]
    )
    summary = clv.summarise(found, start=END - timedelta(days=365), end=END)
    # Day −30 was refunded in full: the member's first purchase day is −20.
    assert summary.x.tolist() == [0] and summary.T.tolist() == [20]


def test_summarise_counts_repeat_days_recency_age_and_mean_repeat_spend():
    rows = [
        (1, date(2026, 1, 1), 10),
        (1, date(2026, 1, 1), 5),
        (1, date(2026, 1, 11), 30),
        (1, date(2026, 1, 31), 50),
    ]
    rows += [(2, date(2026, 3, 1), 70), (3, date(2026, 2, 1), -5)]
    summary = clv.summarise(rows, start=date(2026, 1, 1), end=date(2026, 4, 1))
    assert summary.customers.tolist() == [1, 2]  # 3 never had a purchase day
    assert summary.x.tolist() == [2, 0]
    assert summary.tx.tolist() == [30, 0]
    assert summary.T.tolist() == [90, 31]
    assert summary.m.tolist() == [40.0, 0.0]
    assert summary.transactions == 4


def run_fit(**kwargs) -> ClvFit:
    fit = services.clv_fit_start(window_end=END, **kwargs)
    fit.refresh_from_db()  # the task ran when the test's transaction "committed"
    return fit


@pytest.fixture
def history(django_capture_on_commit_callbacks):
    return simulated_members(120, end=END, cocreators=30)


def test_a_fit_checks_itself_on_a_holdout_and_values_every_member(
    history, django_capture_on_commit_callbacks
):
    boss = operator()
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(actor=boss, window_end=END, years=3, holdout_days=90, horizon_days=365)
    fit.refresh_from_db()
    assert fit.status == FitStatus.DONE, fit.error
    assert fit.trigger == FitTrigger.DEMAND and fit.requested_by == boss and fit.engine == "scipy"
    assert AuditEntry.objects.filter(action="insights.clv.refit", actor=boss).exists()
    scores = ClvScore.objects.filter(fit=fit)
    assert (
        scores.count()
        == fit.customers
        == len({m.pk for m in history} & set(scores.values_list("member_id", flat=True)))
    )
    assert fit.customers >= 100
    for score in scores:
        assert 0 <= score.p_alive_low <= score.p_alive <= score.p_alive_high <= 1
        assert 0 <= score.purchases_low <= score.purchases <= score.purchases_high
        assert score.value_low <= score.value <= score.value_high
    # The holdout table: predicted and actual for every calibration frequency present.
    holdout = fit.diagnostics["holdout"]
    assert sum(row["customers"] for row in holdout["rows"]) == holdout["customers"]
    assert holdout["actual_total"] > 0
    # A decent model on its own kind of data: total holdout purchases within 35 %.
    assert abs(holdout["predicted_total"] - holdout["actual_total"]) < 0.35 * holdout["actual_total"]
    assert set(fit.parameters) == {"bgnbd", "gamma_gamma"}
    assert set(fit.diagnostics["bgnbd"]["intervals"]) == {"r", "alpha", "a", "b"}
    # Co-creators (the first 30) were drawn to spend 3.2× as much: they are worth more.
    values = {s.member_id: float(s.value) for s in scores}
    boosted = [values[m.pk] for m in history[:30] if m.pk in values]
    ordinary = [values[m.pk] for m in history[30:] if m.pk in values]
    assert np.mean(boosted) > 1.5 * np.mean(ordinary)


def test_the_members_figures_match_the_formulas_with_the_stored_parameters(
    history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    fit.refresh_from_db()
    from fanrepublic.insights import btyd

    params = [fit.parameters["bgnbd"][n] for n in btyd.BGNBD_NAMES]
    for score in ClvScore.objects.filter(fit=fit)[:20]:
        x, tx, T = score.repeat_purchases, score.recency_days, score.age_days
        assert score.p_alive == pytest.approx(btyd.p_alive(params, [x], [tx], [T])[0])
        assert score.purchases == pytest.approx(btyd.expected_purchases(params, 365, [x], [tx], [T])[0])


def seat(members, day):
    clerk = operator()
    at = datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())
    for member in members:
        record_event(verb="committees.seated", actor=clerk, owner=member, occurred_at=at)


def test_co_creators_are_a_segment_of_the_fit(history, django_capture_on_commit_callbacks):
    seat(history[:30], END - timedelta(days=400))
    seat(history[30:32], END + timedelta(days=1))  # seated after the window: not yet co-creators
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    fit.refresh_from_db()
    flagged = set(ClvScore.objects.filter(fit=fit, co_creator=True).values_list("member_id", flat=True))
    assert flagged == {m.pk for m in history[:30]} & set(
        ClvScore.objects.filter(fit=fit).values_list("member_id", flat=True)
    )
    co, others = selectors.segments(viewer=operator(), fit=fit)["co_creators"][::-1]
    assert co["label"] == "Co-creators" and co["shown"] and others["shown"]
    assert co["members"] == len(flagged) and co["mean_value"] > Decimal("1.5") * others["mean_value"]


def test_a_segment_too_small_to_show_takes_its_complement_with_it(django_capture_on_commit_callbacks):
    members = simulated_members(60, end=END)
    seat(members[:3], END - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    rows = selectors.segments(viewer=operator(), fit=fit)["co_creators"]
    # Three co-creators are hidden; the others would be the total less them: hidden too.
    assert [row["shown"] for row in rows] == [False, False]
    assert all(row["value"] is None and row["mean_value"] is None for row in rows)


def test_every_members_figures_download_as_a_safe_audited_csv(
    client, history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    boss = founder()
    client.force_login(boss)
    url = reverse("insights:fit_export", args=[fit.pk])
    # A link (GET) cannot make an operator's browser download and write an audit entry.
    assert client.get(url).status_code == 405
    assert not AuditEntry.objects.filter(action="insights.clv.exported").exists()
    rows = assert_csv_safe(client.post(url))
    assert len(rows) == ClvScore.objects.filter(fit=fit).count() + 1
    assert AuditEntry.objects.filter(action="insights.clv.exported", actor=boss).exists()


@pytest.mark.parametrize("who", [MemberFactory, engineer, store_manager])
def test_only_operators_and_the_founder_start_a_fit(who):
    with pytest.raises(Forbidden):
        services.clv_fit_start(actor=who(), window_end=END)
    assert not ClvFit.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("years", 0),
        ("years", 11),
        ("holdout_days", 13),
        ("horizon_days", 5000),
        ("years", "3"),
        ("years", True),
    ],
)
def test_bad_numbers_are_refused_and_start_nothing(field, value):
    with pytest.raises(ValidationFailed) as refused:
        services.clv_fit_start(actor=founder(), window_end=END, **{field: value})
    assert field in refused.value.errors
    assert not ClvFit.objects.exists()


def test_one_fit_at_a_time():
    ClvFit.objects.create(
        trigger=FitTrigger.SCHEDULE,
        window_start=END - timedelta(days=30),
        window_end=END,
        holdout_days=14,
        horizon_days=30,
        started_at=timezone.now(),
    )
    with pytest.raises(Conflict):
        services.clv_fit_start(actor=operator(), window_end=END)
    assert ClvFit.objects.count() == 1
    assert services.clv_refit_if_due() is None  # the schedule waits too


def test_too_few_customers_fails_with_a_reason_and_no_figures(django_capture_on_commit_callbacks):
    simulated_members(5, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    fit.refresh_from_db()
    assert fit.status == FitStatus.FAILED and fit.failure == FitFailure.TOO_FEW
    assert not ClvScore.objects.exists()


def test_a_fit_that_crashes_is_marked_failed_and_keeps_nothing(
    history, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise FloatingPointError("overflow")

    monkeypatch.setattr(clv, "score", broken)
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    fit.refresh_from_db()
    assert fit.status == FitStatus.FAILED and fit.failure == FitFailure.CRASHED
    assert "overflow" in fit.error
    assert not ClvScore.objects.exists()
    assert clv_fit_run(fit_id=fit.pk).status == FitStatus.FAILED  # a rerun leaves it be


def test_only_the_newest_fits_keep_member_figures(django_capture_on_commit_callbacks):
    simulated_members(40, end=END)
    fits = []
    for days in range(SCORES_KEPT + 1):
        with django_capture_on_commit_callbacks(execute=True):
            fit = services.clv_fit_start(window_end=END - timedelta(days=days))
        fits.append(fit)
    kept = {f.pk for f in ClvFit.objects.filter(scores_kept=True)}
    assert kept == {f.pk for f in fits[1:]}
    assert set(ClvScore.objects.values_list("fit_id", flat=True)) == kept


def test_the_schedule_refits_daily_and_frees_a_fit_whose_worker_died(django_capture_on_commit_callbacks):
    simulated_members(30, end=timezone.localdate())
    now = timezone.now()
    stuck = ClvFit.objects.create(
        trigger=FitTrigger.SCHEDULE,
        window_start=END - timedelta(days=30),
        window_end=END,
        holdout_days=14,
        horizon_days=30,
        started_at=now - timedelta(hours=4),
    )
    assert services.clv_fits_lost_mark() == 1
    stuck.refresh_from_db()
    assert stuck.status == FitStatus.FAILED and stuck.failure == FitFailure.LOST
    with django_capture_on_commit_callbacks(execute=True):
        first = services.clv_refit_if_due()
    assert first is not None and first.trigger == FitTrigger.SCHEDULE
    assert services.clv_refit_if_due() is None  # a day has not passed
    ClvFit.objects.filter(pk=first.pk).update(started_at=now - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.clv_refit_if_due() is not None


@override_settings(INSIGHTS_CLV_ENGINE="pymc-marketing")
def test_pymc_marketing_fits_the_same_parameters_as_the_maximum_likelihood(
    history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fit = services.clv_fit_start(window_end=END)
    fit.refresh_from_db()
    assert fit.status == FitStatus.DONE and fit.engine == "pymc-marketing"
    summary = clv.summarise(
        selectors.member_purchase_days(start=fit.window_start, end=END), start=fit.window_start, end=END
    )
    ours = clv.fit(summary, engine="scipy")
    # Flat priors on the scale parameters: the MAP is the likelihood's maximum (± the
    # transforms' Jacobian, negligible here).
    for name, value in ours.bgnbd.as_dict().items():
        assert fit.parameters["bgnbd"][name] == pytest.approx(value, rel=0.03), name
    for name, value in ours.gamma_gamma.as_dict().items():
        assert fit.parameters["gamma_gamma"][name] == pytest.approx(value, rel=0.03), name
