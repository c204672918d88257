"""The matched comparison on data whose truth is known: a real effect on top of
self-selection is recovered; pure self-selection (no effect) leaves an interval around
zero while the naive gap is large; and the estimate equals a brute-force reference
written from the definition (every distance computed by hand)."""

import numpy as np
import pytest

from fanrepublic.insights import matching


def population(rng, n, *, effect):
    """Prior spend drives both who takes part (self-selection) and later spend."""
    prior = rng.gamma(2.0, 1500.0, n)
    tenure = rng.uniform(30, 1500, n)
    activity = rng.poisson(5 + prior / 1000)
    chance = 1 / (1 + np.exp(-(prior - 4000) / 800))
    treated = rng.random(n) < chance
    later = 0.9 * prior + 0.5 * tenure + rng.normal(0, 300, n) + effect * treated
    covariates = np.column_stack([prior, tenure, activity])
    return covariates, later, treated


SEEDS = range(20)


def runs(effect):
    found = []
    for seed in SEEDS:
        rng = np.random.default_rng(1000 * int(effect) + seed)
        x, y, t = population(rng, 1500, effect=effect)
        found.append(matching.compare(x[t], y[t], x[~t], y[~t], bootstrap=100, seed=seed))
    return found


def covers(interval, value):
    return interval[0] <= value <= interval[1]


def test_a_known_effect_on_top_of_self_selection_is_recovered():
    found = runs(1000.0)
    # A 90 % interval should miss about 2 runs in 20; allow for a bootstrap a bit narrow.
    assert sum(covers(f.matched_difference_interval, 1000) for f in found) >= 15
    assert np.mean([f.matched_difference for f in found]) == pytest.approx(1000, rel=0.1)
    # The naive gap is mostly selection, and its interval is far from the truth.
    assert all(f.raw_difference > 3000 and not covers(f.raw_difference_interval, 1000) for f in found)
    # Matching moves the groups' prior spend closer together.
    assert all(abs(f.balance[0][2]) < abs(f.balance[0][1]) for f in found)


def test_pure_self_selection_gives_an_interval_around_zero():
    found = runs(0.0)
    assert sum(covers(f.matched_difference_interval, 0) for f in found) >= 15
    assert abs(np.mean([f.matched_difference for f in found])) < 100
    assert all(f.raw_difference_interval[0] > 1000 for f in found)  # the naive "effect"


def reference_att(tx, ty, cx, cy, k):
    """From the definition: standardise by the pooled mean and sd; for each treated member
    take the k controls at the smallest Euclidean distance (ties by index); adjust each
    by the controls' least-squares slope (normal equations) for the covariate gap; average."""
    pooled = np.vstack([tx, cx])
    sd = pooled.std(axis=0)
    sd[sd == 0] = 1
    mu = pooled.mean(axis=0)
    zt, zc = (tx - mu) / sd, (cx - mu) / sd
    design = np.column_stack([np.ones(len(cx)), cx])
    slope = np.linalg.solve(design.T @ design, design.T @ cy)[1:]
    gaps = []
    for i in range(len(tx)):
        distances = [(float(np.sqrt(((zt[i] - zc[j]) ** 2).sum())), j) for j in range(len(cx))]
        nearest = [j for _d, j in sorted(distances)[:k]]
        gaps.append(ty[i] - np.mean([cy[j] + (tx[i] - cx[j]) @ slope for j in nearest]))
    return float(np.mean(gaps))


@pytest.mark.parametrize("seed", range(5))
def test_the_estimate_equals_a_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    tx, cx = rng.normal(size=(30, 3)), rng.normal(size=(80, 3))
    ty, cy = rng.normal(size=30), rng.normal(size=80)
    found = matching.compare(tx, ty, cx, cy, bootstrap=0)
    assert found.matched_difference == pytest.approx(reference_att(tx, ty, cx, cy, matching.NEIGHBOURS))
    assert found.raw_difference == pytest.approx(ty.mean() - cy.mean())


def test_groups_too_small_are_refused():
    with pytest.raises(ValueError):
        matching.compare([[1.0]], [1.0], [[1.0], [2.0]], [1.0, 2.0])
