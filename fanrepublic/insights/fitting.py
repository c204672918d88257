"""Running a lifetime-value fit: the task that clv_fit_start queues. It reads the
purchases, checks the model on a holdout, fits it on the whole window and stores every
member's figures, in one transaction at the end (a fit that fails leaves no figures)."""

import logging
from datetime import timedelta
from decimal import Decimal

import numpy as np
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import clv, selectors
from .enums import FitFailure, FitStatus
from .interactions import cocreator_ids, day_start
from .models import ClvFit, ClvScore

logger = logging.getLogger(__name__)

# The member figures of this many newest finished fits are kept (a fit's own summary,
# parameters and checks are kept for ever).
SCORES_KEPT = 3


def _engine() -> str:
    chosen = getattr(settings, "INSIGHTS_CLV_ENGINE", "auto")
    return clv.engine_available() if chosen == "auto" else chosen


@shared_task
def run_clv_fit(fit_id: int) -> str:
    """Fit the models for a fit row made by clv_fit_start (idempotent: a finished fit is
    left as it is)."""
    return clv_fit_run(fit_id=fit_id).status


def _money(value) -> Decimal | None:
    if value is None or not np.isfinite(value):
        return None
    return Decimal(str(round(float(value), 2)))


def _finish(fit: ClvFit, **fields) -> ClvFit:
    # A plain UPDATE: the row was made by another transaction and nobody else writes it.
    fields["finished_at"] = timezone.now()
    ClvFit.objects.filter(pk=fit.pk, status=FitStatus.RUNNING).update(**fields)
    fit.refresh_from_db()
    return fit


def clv_fit_run(*, fit_id: int) -> ClvFit:
    fit = ClvFit.objects.get(pk=fit_id)
    if fit.status != FitStatus.RUNNING:
        return fit
    engine = _engine()
    try:
        purchases = selectors.member_purchase_days(start=fit.window_start, end=fit.window_end)
        result = _fit_and_score(fit, purchases, engine)
    except clv.TooFewCustomers as exc:
        return _finish(
            fit,
            status=FitStatus.FAILED,
            engine=engine,
            failure=FitFailure.TOO_FEW,
            error=f"{exc.args[0]} < {clv.MIN_CUSTOMERS}",
        )
    except Exception as exc:
        logger.exception("CLV fit %s failed", fit.pk)
        return _finish(
            fit,
            status=FitStatus.FAILED,
            engine=engine,
            failure=FitFailure.CRASHED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    return result


def _fit_and_score(fit: ClvFit, purchases: list, engine: str) -> ClvFit:
    # 1. The check: fit on all but the last holdout_days, predict them, compare.
    calibration_end = fit.window_end - timedelta(days=fit.holdout_days)
    diagnostics = {"engine": engine}
    calibration = clv.summarise(purchases, start=fit.window_start, end=calibration_end)
    if len(calibration) >= clv.MIN_CUSTOMERS:
        calibrated = clv.fit(calibration, engine=engine)
        actual = clv.holdout_actuals(
            purchases, calibration.customers, after=calibration_end, end=fit.window_end
        )
        diagnostics["holdout"] = clv.holdout_table(
            calibrated, calibration, actual, holdout_days=fit.holdout_days
        )
        diagnostics["holdout"]["calibration_end"] = calibration_end.isoformat()
        diagnostics["holdout"]["seconds"] = round(calibrated.seconds, 3)
    # 2. The fit itself, on the whole window, and every member's figures.
    summary = clv.summarise(purchases, start=fit.window_start, end=fit.window_end)
    models = clv.fit(summary, engine=engine)
    scores = clv.score(models, summary, horizon_days=fit.horizon_days)
    diagnostics.update(
        {
            "seconds": round(models.seconds, 3),
            "notes": models.notes,
            "curve": clv.population_curve(models, days=fit.horizon_days),
            "bgnbd": _fit_diagnostics(models.bgnbd),
            "gamma_gamma": _fit_diagnostics(models.gamma_gamma) if models.gamma_gamma else None,
            "repeat_buyers": int((summary.x > 0).sum()),
        }
    )
    parameters = {"bgnbd": models.bgnbd.as_dict()}
    if models.gamma_gamma:
        parameters["gamma_gamma"] = models.gamma_gamma.as_dict()
    cocreators = cocreator_ids(until=day_start(fit.window_end + timedelta(days=1)))
    rows = [
        ClvScore(
            fit_id=fit.pk,
            co_creator=int(member) in cocreators,
            member_id=int(member),
            first_purchase=summary.first[i].item(),
            repeat_purchases=int(summary.x[i]),
            recency_days=int(summary.tx[i]),
            age_days=int(summary.T[i]),
            mean_spend=_money(summary.m[i]),
            p_alive=float(scores.p_alive[0, i]),
            p_alive_low=float(scores.p_alive[1, i]),
            p_alive_high=float(scores.p_alive[2, i]),
            purchases=float(scores.purchases[0, i]),
            purchases_low=float(scores.purchases[1, i]),
            purchases_high=float(scores.purchases[2, i]),
            value=_money(scores.value[0, i]),
            value_low=_money(scores.value[1, i]),
            value_high=_money(scores.value[2, i]),
        )
        for i, member in enumerate(summary.customers)
    ]
    with transaction.atomic():
        ClvScore.objects.filter(fit_id=fit.pk).delete()  # a task run twice stores once
        ClvScore.objects.bulk_create(rows, batch_size=5000)
        fit = _finish(
            fit,
            status=FitStatus.DONE,
            engine=engine,
            customers=len(summary),
            transactions=summary.transactions,
            parameters=parameters,
            diagnostics=diagnostics,
            scores_kept=True,
        )
        _prune_scores()
    return fit


def _fit_diagnostics(found) -> dict:
    intervals = {}
    if found.log_covariance is not None:
        errors = np.sqrt(np.diag(found.log_covariance))
        for name, value, error in zip(found.names, found.values, errors, strict=True):
            # 90 % interval of each parameter, from the normal on its logarithm.
            intervals[name] = [float(value * np.exp(-1.645 * error)), float(value * np.exp(1.645 * error))]
    return {
        "log_likelihood": found.log_likelihood,
        "converged": found.converged,
        "intervals": intervals,
    }


def _prune_scores() -> None:
    kept = list(
        ClvFit.objects.filter(status=FitStatus.DONE, scores_kept=True)
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)[SCORES_KEPT:]
    )
    if kept:
        ClvScore.objects.filter(fit_id__in=kept).delete()
        ClvFit.objects.filter(pk__in=kept).update(scores_kept=False)
