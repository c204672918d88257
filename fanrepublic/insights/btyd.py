"""The "buy till you die" formulas, written from the published papers, vectorised in numpy:

- BG/NBD — Fader, Hardie & Lee (2005), "Counting your customers the easy way: an
  alternative to the Pareto/NBD model", Marketing Science 24(2): the likelihood (eq. 6),
  P(alive) (appendix, eq. 12 of the note) and the conditional expectation of purchases
  in the next t periods (eq. 10);
- Gamma-Gamma spend — Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves
  for customer base analysis", JMR 42(4), and Fader & Hardie's note "The Gamma-Gamma
  model of monetary value" (2013): the likelihood and E[M | x, m̄] (eq. 5 of the note).

pymc-marketing fits the models where the compiler toolchain is present (clv.py). These
functions score members with the fitted parameters (cheaply, for a million members and
200 parameter draws), fit the models where pymc-marketing cannot run (the documented
fallback), give the Laplace approximation the intervals come from, and serve the tests
as an implementation independent of pymc-marketing and lifetimes.

x: repeat purchases (frequency); tx: time of the last one since the first (recency);
T: time since the first purchase (age); all in days. m: mean value of the x repeat
purchases.
"""

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

BGNBD_NAMES = ("r", "alpha", "a", "b")
GG_NAMES = ("p", "q", "v")


def _arrays(*values):
    return [np.asarray(value, dtype=float) for value in values]


def bgnbd_log_likelihood(params, x, tx, T):
    """Per-customer log-likelihood of BG/NBD with params (r, alpha, a, b)."""
    r, alpha, a, b = params
    x, tx, T = _arrays(x, tx, T)
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    still = special.betaln(a, b + x) - beta_ab - (r + x) * np.log(alpha + T)
    # The customer dropped out just after their last purchase (only possible when x > 0).
    with np.errstate(invalid="ignore", divide="ignore"):
        dropped = (
            special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - beta_ab - (r + x) * np.log(alpha + tx)
        )
    dropped = np.where(x > 0, dropped, -np.inf)
    return common + np.logaddexp(still, dropped)


def _drop_odds(r, alpha, a, b, x, tx, T):
    """Odds that a customer with x > 0 repeat purchases has dropped out (appendix of the
    BG/NBD paper); 1 / (1 + odds) is P(alive)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        growth = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + tx)))
        return (a / np.maximum(b + x - 1, 1e-300)) * growth


def p_alive(params, x, tx, T):
    r, alpha, a, b = params
    x, tx, T = _arrays(x, tx, T)
    odds = _drop_odds(r, alpha, a, b, x, tx, T)
    return np.where(x > 0, 1.0 / (1.0 + odds), 1.0)


def expected_purchases(params, t, x, tx, T):
    """E[purchases in (T, T + t] | x, tx, T]: eq. 10 of the BG/NBD paper."""
    r, alpha, a, b = params
    x, tx, T = _arrays(x, tx, T)
    z = t / (alpha + T + t)
    hyper = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    first = (a + b + x - 1) / (a - 1)
    second = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyper
    odds = _drop_odds(r, alpha, a, b, x, tx, T)
    denominator = 1 + np.where(x > 0, odds, 0.0)
    return first * second / denominator


def expected_purchases_new(params, t):
    """E[X(t)] for a customer just acquired (eq. 9): the population's purchase curve."""
    r, alpha, a, b = params
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z))


def gamma_gamma_log_likelihood(params, x, m):
    """Per-customer log-likelihood of the mean spend m̄ of x ≥ 1 repeat purchases."""
    p, q, v = params
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )


def expected_spend(params, x, m, population_mean=None):
    """E[M | x, m̄]: a weighted mean of the population mean p·v/(q−1) and the customer's
    own m̄; a customer with no repeat purchase gets the population mean."""
    p, q, v = params
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    prior = p * v / (q - 1) if population_mean is None else population_mean
    own = (p * (v + x * m)) / (p * x + q - 1)
    return np.where(x > 0, own, prior)


@dataclass(frozen=True)
class Fit:
    names: tuple[str, ...]
    values: np.ndarray  # natural scale
    log_covariance: np.ndarray | None  # covariance of the log-parameters (Laplace)
    log_likelihood: float
    converged: bool
    iterations: int

    def as_dict(self) -> dict[str, float]:
        return {name: float(value) for name, value in zip(self.names, self.values, strict=True)}

    def draws(self, count: int, seed: int = 0) -> np.ndarray:
        """Parameter draws from the Laplace approximation (normal on the log scale):
        the intervals of every member's figures come from pushing these through."""
        if self.log_covariance is None or count <= 0:
            return self.values[None, :]
        rng = np.random.default_rng(seed)
        logs = rng.multivariate_normal(np.log(self.values), self.log_covariance, size=count, method="eigh")
        return np.exp(logs)


def _hessian(function, point: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Second differences, accurate to O(step²), sharing evaluations: f at the point, at
    ±step along each axis and at ±step along each pair of axes — 1 + 2n + n(n−1)
    evaluations (21 for BG/NBD's four parameters) where the four-point formula per pair
    needs 4·n(n+1)/2 (40). Each evaluation is a pass over every customer, so this is
    most of the Laplace step's time. The log-likelihoods are smooth in the log-parameters."""
    size = len(point)
    cache: dict[tuple, float] = {}

    def f(*moves):
        key = tuple(sorted(moves))
        if key not in cache:
            moved = point.copy()
            for axis, sign in moves:
                moved[axis] += sign * step
            cache[key] = function(moved)
        return cache[key]

    centre = f()
    hessian = np.empty((size, size))
    for i in range(size):
        hessian[i, i] = (f((i, 1)) - 2 * centre + f((i, -1))) / step**2
        for j in range(i + 1, size):
            value = (
                f((i, 1), (j, 1))
                - f((i, 1))
                - f((j, 1))
                + 2 * centre
                - f((i, -1))
                - f((j, -1))
                + f((i, -1), (j, -1))
            ) / (2 * step**2)
            hessian[i, j] = hessian[j, i] = value
    return hessian


def _covariance(negative_total, point: np.ndarray) -> np.ndarray | None:
    hessian = _hessian(negative_total, point)
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return None
    # A fit at the edge of its space has no usable curvature; no interval beats a wrong one.
    if not np.all(np.isfinite(covariance)) or np.any(np.diag(covariance) <= 0):
        return None
    return (covariance + covariance.T) / 2


def _weights(weights, size):
    return np.ones(size) if weights is None else np.asarray(weights, dtype=float)


def laplace_covariance(values, negative_total) -> np.ndarray | None:
    """The Laplace approximation around a fit made elsewhere (pymc-marketing's MAP)."""
    return _covariance(negative_total, np.log(np.asarray(values, dtype=float)))


def bgnbd_negative_total(x, tx, T, weights=None):
    w = _weights(weights, len(x))

    def total(log_params):
        value = -np.sum(w * bgnbd_log_likelihood(np.exp(log_params), x, tx, T))
        return value if np.isfinite(value) else 1e300

    return total


def gamma_gamma_negative_total(x, m, weights=None):
    w = _weights(weights, len(x))

    def total(log_params):
        value = -np.sum(w * gamma_gamma_log_likelihood(np.exp(log_params), x, m))
        return value if np.isfinite(value) else 1e300

    return total


def _maximise(names, negative_total, start) -> Fit:
    result = optimize.minimize(negative_total, np.log(start), method="Nelder-Mead", options={"maxiter": 4000})
    refined = optimize.minimize(negative_total, result.x, method="BFGS")
    best = refined if refined.fun <= result.fun else result
    values = np.exp(best.x)
    return Fit(
        names=names,
        values=values,
        log_covariance=_covariance(negative_total, best.x),
        log_likelihood=-float(best.fun),
        converged=bool(result.success or refined.success),
        iterations=int(result.nit + refined.nit),
    )


def fit_bgnbd(x, tx, T, weights=None) -> Fit:
    """Maximum likelihood, as the paper does (pymc-marketing's MAP with weak priors lands
    in the same place on any real amount of data)."""
    return _maximise(BGNBD_NAMES, bgnbd_negative_total(x, tx, T, weights), np.array([1.0, 10.0, 1.0, 3.0]))


def fit_gamma_gamma(x, m, weights=None) -> Fit:
    return _maximise(GG_NAMES, gamma_gamma_negative_total(x, m, weights), np.array([2.0, 3.0, 100.0]))
