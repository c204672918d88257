"""Customer lifetime value: BG/NBD for how often a member buys and whether they still do,
Gamma-Gamma for how much, fitted on purchase history; no Django in here, so the model
can be tested and benchmarked on its own.

The fit is pymc-marketing's (maximum a posteriori) wherever PyTensor has its C++
compiler; on a machine without one PyTensor would fall back to slow pure-Python
evaluation, so the same models are fitted by maximum likelihood with SciPy instead
(btyd.py, the published formulas) — the documented fallback (docs/insights.md). Either way
the intervals come from a Laplace approximation around the fit, pushed through every
member's formulas.
"""

import logging
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from scipy import optimize

from . import btyd

logger = logging.getLogger(__name__)

PYMC = "pymc-marketing"
SCIPY = "scipy"
ENGINES = (PYMC, SCIPY)
# The calibration/holdout table groups customers by their repeat purchases in the
# calibration period: 0, 1, …, 6 and "7 or more", as the papers' figures do.
HOLDOUT_BUCKETS = 8
INTERVAL = (5, 95)  # a 90 % interval


def engine_available() -> str:
    """pymc-marketing when PyTensor can compile (g++ found), else the SciPy fallback."""
    try:
        import pytensor
    except ImportError:  # pragma: no cover - pymc-marketing is a dependency
        return SCIPY
    return PYMC if pytensor.config.cxx else SCIPY


@dataclass
class Summary:
    """Each customer's recency-frequency-monetary summary at the end of a window, in days.
    x: repeat purchase days; tx: day of the last purchase after the first; T: days from
    the first purchase to the window's end; m: mean net value of the repeat purchases."""

    customers: np.ndarray
    x: np.ndarray
    tx: np.ndarray
    T: np.ndarray
    m: np.ndarray
    first: np.ndarray  # first purchase day (numpy datetime64[D])
    transactions: int

    def __len__(self):
        return len(self.customers)


def summarise(purchases, *, start: date, end: date) -> Summary:
    """purchases: (customer, day, net amount) in any order, several per day allowed.
    A purchase day is a day whose net amount (sales less refunds of them) is positive;
    a customer's first such day inside [start, end] is their birth (standard RFM)."""
    days: dict[int, dict[date, float]] = {}
    for customer, day, amount in purchases:
        if start <= day <= end:
            per_day = days.setdefault(customer, {})
            per_day[day] = per_day.get(day, 0.0) + float(amount)
    customers, xs, txs, ts, ms, firsts = [], [], [], [], [], []
    transactions = 0
    for customer, per_day in days.items():
        bought = sorted(day for day, amount in per_day.items() if amount > 0)
        if not bought:
            continue
        first = bought[0]
        repeats = bought[1:]
        customers.append(customer)
        xs.append(len(repeats))
        txs.append((bought[-1] - first).days)
        ts.append((end - first).days)
        ms.append(float(np.mean([per_day[day] for day in repeats])) if repeats else 0.0)
        firsts.append(np.datetime64(first, "D"))
        transactions += len(bought)
    order = np.argsort(np.asarray(customers, dtype=np.int64), kind="stable")
    return Summary(
        customers=np.asarray(customers, dtype=np.int64)[order],
        x=np.asarray(xs, dtype=float)[order],
        tx=np.asarray(txs, dtype=float)[order],
        T=np.asarray(ts, dtype=float)[order],
        m=np.asarray(ms, dtype=float)[order],
        first=np.asarray(firsts, dtype="datetime64[D]")[order],
        transactions=transactions,
    )


def holdout_actuals(purchases, customers: np.ndarray, *, after: date, end: date) -> np.ndarray:
    """Purchase days in (after, end] of each calibration customer, in `customers`' order."""
    wanted = {int(c): i for i, c in enumerate(customers)}
    per_day: dict[tuple[int, date], float] = {}
    for customer, day, amount in purchases:
        if customer in wanted and after < day <= end:
            per_day[(customer, day)] = per_day.get((customer, day), 0.0) + float(amount)
    counts = np.zeros(len(customers))
    for (customer, _day), amount in per_day.items():
        if amount > 0:
            counts[wanted[customer]] += 1
    return counts


@dataclass
class Models:
    engine: str
    bgnbd: btyd.Fit
    gamma_gamma: btyd.Fit | None  # None: too few repeat buyers to fit spend
    seconds: float
    notes: list[str] = field(default_factory=list)


class TooFewCustomers(ValueError):
    pass


MIN_CUSTOMERS = 20
MIN_REPEAT_BUYERS = 10


START_SAMPLE = 10_000


def _start_from_sample(negative_total_of, arrays, start, seed: int = 0) -> np.ndarray:
    """A rough maximum of the likelihood on a random sample of customers (loose
    Nelder-Mead, no intervals): pymc-marketing's MAP started there needs fewer passes
    over every customer than from its default start."""
    size = len(arrays[0])
    if size > START_SAMPLE:
        picked = np.random.default_rng(seed).choice(size, size=START_SAMPLE, replace=False)
        arrays = [values[picked] for values in arrays]
    found = optimize.minimize(
        negative_total_of(*arrays),
        np.log(start),
        method="Nelder-Mead",
        options={"xatol": 1e-3, "fatol": 1e-3, "maxiter": 2000},
    )
    return np.exp(found.x)


def _pymc_bgnbd(summary: Summary) -> np.ndarray:
    import pandas as pd
    from pymc_extras.prior import Prior
    from pymc_marketing.clv import BetaGeoModel

    data = pd.DataFrame(
        {"customer_id": summary.customers, "frequency": summary.x, "recency": summary.tx, "T": summary.T}
    )
    # The default priors suit weeks (alpha ~ Weibull(2, 10)); our clock is in days, where
    # alpha is several times larger, so alpha, r and kappa (= a + b) get flat priors and the
    # MAP lands on the likelihood's own maximum, as the papers fit it.
    config = {name: Prior("HalfFlat") for name in ("alpha", "r", "kappa_dropout")}
    r, alpha, a, b = _start_from_sample(
        btyd.bgnbd_negative_total, [summary.x, summary.tx, summary.T], [1.0, 10.0, 1.0, 3.0]
    )
    start = {"r": r, "alpha": alpha, "phi_dropout": a / (a + b), "kappa_dropout": a + b}
    model = BetaGeoModel(model_config=config)
    model.fit(data, method="map", progressbar=False, start=start)
    found = model.fit_summary()
    return np.array([float(found[name]) for name in btyd.BGNBD_NAMES])


def _pymc_gamma_gamma(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    import pandas as pd
    from pymc_marketing.clv import GammaGammaModel

    data = pd.DataFrame({"customer_id": np.arange(len(x)), "frequency": x, "monetary_value": m})
    p, q, v = _start_from_sample(btyd.gamma_gamma_negative_total, [x, m], [2.0, 3.0, 100.0])
    model = GammaGammaModel()
    model.fit(data, method="map", progressbar=False, start={"p": p, "q": q, "v": v})
    found = model.fit_summary()
    return np.array([float(found[name]) for name in btyd.GG_NAMES])


def _with_laplace(names, values, negative_total, *, converged=True) -> btyd.Fit:
    return btyd.Fit(
        names=names,
        values=values,
        log_covariance=btyd.laplace_covariance(values, negative_total),
        log_likelihood=-float(negative_total(np.log(values))),
        converged=converged,
        iterations=0,
    )


def _compressed(summary: Summary):
    """Customers with the same (x, tx, T) contribute the same likelihood term: one row
    each with a count as its weight. Whole days make many alike (everyone without a
    repeat purchase shares tx = 0), so the likelihood passes get shorter."""
    rows = np.column_stack([summary.x, summary.tx, summary.T])
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return unique[:, 0], unique[:, 1], unique[:, 2], counts


def fit(summary: Summary, *, engine: str) -> Models:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    if len(summary) < MIN_CUSTOMERS:
        raise TooFewCustomers(len(summary))
    started = time.perf_counter()
    notes = []
    repeat = summary.x > 0
    x, tx, T, weights = _compressed(summary)
    if engine == PYMC:
        values = _pymc_bgnbd(summary)
        bgnbd = _with_laplace(btyd.BGNBD_NAMES, values, btyd.bgnbd_negative_total(x, tx, T, weights))
    else:
        bgnbd = btyd.fit_bgnbd(x, tx, T, weights)
    gamma_gamma = None
    if repeat.sum() >= MIN_REPEAT_BUYERS:
        x, m = summary.x[repeat], summary.m[repeat]
        if engine == PYMC:
            values = _pymc_gamma_gamma(x, m)
            gamma_gamma = _with_laplace(btyd.GG_NAMES, values, btyd.gamma_gamma_negative_total(x, m))
        else:
            gamma_gamma = btyd.fit_gamma_gamma(x, m)
        if gamma_gamma.values[1] <= 1:
            # q ≤ 1: the fitted spend distribution has no mean; value would be meaningless.
            notes.append("gamma_gamma_no_mean")
            gamma_gamma = None
    else:
        notes.append("too_few_repeat_buyers")
    if bgnbd.values[2] <= 1:
        notes.append("bgnbd_a_at_most_1")
    return Models(
        engine=engine,
        bgnbd=bgnbd,
        gamma_gamma=gamma_gamma,
        seconds=time.perf_counter() - started,
        notes=notes,
    )


@dataclass
class Scores:
    p_alive: np.ndarray  # (3, n): point, low, high
    purchases: np.ndarray
    value: np.ndarray


def _band(point, draws):
    """Point, low, high. A draw far out in the Laplace tails can leave the formulas'
    domain (the hypergeometric term overflows): such draws are left out of the
    percentiles, and a customer with no usable draw gets the point as both ends."""
    draws = np.where(np.isfinite(draws), draws, np.nan)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: handled below
        low, high = np.nanpercentile(draws, INTERVAL, axis=0)
    low = np.where(np.isfinite(low), low, point)
    high = np.where(np.isfinite(high), high, point)
    return np.vstack([point, np.minimum(low, point), np.maximum(high, point)])


def score(
    models: Models, summary: Summary, *, horizon_days: int, draws: int = 200, chunk: int = 50_000
) -> Scores:
    """Every customer's P(alive), expected purchase days and expected value in the next
    `horizon_days`, each with its 90 % interval from the parameters' uncertainty (not
    the customer's own luck: a member expected to buy 1.2 times buys 0, 1 or 2)."""
    bg_draws = models.bgnbd.draws(draws, seed=1)
    gg_draws = models.gamma_gamma.draws(draws, seed=2) if models.gamma_gamma else None
    parts = {"p_alive": [], "purchases": [], "value": []}
    for begin in range(0, len(summary), chunk):
        window = slice(begin, begin + chunk)
        x, tx, T, m = summary.x[window], summary.tx[window], summary.T[window], summary.m[window]
        alive = btyd.p_alive(models.bgnbd.values, x, tx, T)
        bought = btyd.expected_purchases(models.bgnbd.values, horizon_days, x, tx, T)
        alive_draws = np.array([btyd.p_alive(p, x, tx, T) for p in bg_draws])
        bought_draws = np.array([btyd.expected_purchases(p, horizon_days, x, tx, T) for p in bg_draws])
        if gg_draws is not None:
            spend = btyd.expected_spend(models.gamma_gamma.values, x, m)
            spend_draws = np.array([btyd.expected_spend(p, x, m) for p in gg_draws])
            count = min(len(bought_draws), len(spend_draws))
            value_point, value_draws = bought * spend, bought_draws[:count] * spend_draws[:count]
        else:
            value_point = np.full(len(x), np.nan)
            value_draws = np.full((1, len(x)), np.nan)
        parts["p_alive"].append(_band(alive, alive_draws))
        parts["purchases"].append(_band(bought, bought_draws))
        parts["value"].append(_band(value_point, value_draws))
    empty = np.zeros((3, 0))
    return Scores(**{name: np.hstack(chunks) if chunks else empty for name, chunks in parts.items()})


def holdout_table(models: Models, summary: Summary, actual: np.ndarray, *, holdout_days: int) -> dict:
    """Predicted against actual purchases in the holdout, by calibration frequency: the
    papers' standard check of a fit (BG/NBD paper, figure 3)."""
    predicted = btyd.expected_purchases(models.bgnbd.values, holdout_days, summary.x, summary.tx, summary.T)
    bucket = np.minimum(summary.x, HOLDOUT_BUCKETS - 1).astype(int)
    rows = []
    for k in range(HOLDOUT_BUCKETS):
        chosen = bucket == k
        count = int(chosen.sum())
        rows.append(
            {
                "repeat_purchases": k,
                "or_more": k == HOLDOUT_BUCKETS - 1,
                "customers": count,
                "predicted": float(predicted[chosen].mean()) if count else None,
                "actual": float(actual[chosen].mean()) if count else None,
            }
        )
    total_predicted, total_actual = float(predicted.sum()), float(actual.sum())
    return {
        "rows": rows,
        "predicted_total": total_predicted,
        "actual_total": total_actual,
        "mean_absolute_error": float(np.abs(predicted - actual).mean()) if len(actual) else None,
        "customers": len(summary),
    }


def population_curve(models: Models, *, days: int, steps: int = 12) -> list[tuple[int, float]]:
    """Expected repeat purchase days of a new customer over time (eq. 9)."""
    step = max(1, days // steps)
    return [
        (t, float(btyd.expected_purchases_new(models.bgnbd.values, t))) for t in range(step, days + 1, step)
    ]


def default_window(today: date, *, years: int = 3) -> tuple[date, date]:
    return today - timedelta(days=365 * years), today
