"""The demo's purchase histories: drawn from the models the insights fit, with a known
co-creation effect and a known self-selection, so the pages can show that the fit and
the co-creator report recover what was put in (docs/insights.md, "The demo's
simulation").

Each member: a purchase rate λ ~ Gamma(R, rate ALPHA) per day, a drop-out chance after
each repeat purchase p ~ Beta(A, B) (BG/NBD), and a spend scale ν ~ Gamma(Q, rate GAMMA)
with each purchase's value ~ Gamma(P, rate ν) (Gamma-Gamma).

- Self-selection: members who become co-creators were keener buyers all along — their λ
  is SELECTION × an ordinary member's, before and after.
- The effect: from their first co-creation on, their λ is multiplied by RATE_EFFECT and
  their spend per purchase by SPEND_EFFECT — RATE_EFFECT × SPEND_EFFECT = 3.2 × the
  yearly spend they would have had, the article's figure.

A raw comparison of co-creators with everyone else therefore shows about SELECTION ×
3.2; a comparison with members who bought alike before (matching) should show 3.2.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

R, ALPHA = 1.1, 80.0  # mean 1 purchase per ~73 days
A, B = 1.4, 9.0  # mean drop-out chance 13 % after each repeat purchase
P, Q, GAMMA = 5.0, 4.0, 600.0  # mean spend per purchase P·GAMMA/(Q−1) = ¥1,000
SELECTION = 1.5
RATE_EFFECT = 2.0
SPEND_EFFECT = 1.6


@dataclass(frozen=True)
class Purchase:
    member_id: int
    day: date
    amount: float  # yuan, two decimals


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def purchases(
    member_ids, cocreators: dict[int, date | datetime], *, start: date, end: date, seed: int = 2026
) -> list[Purchase]:
    """Every member's purchases in [start, end]. `cocreators`: member → the day of their
    first co-creation. Each member becomes a customer on a uniformly drawn day of the
    window's first half, buys by a Poisson process while alive (its rate changing at the
    co-creation day: memoryless, so the wait simply restarts there) and may drop out
    after each repeat purchase."""
    rng = np.random.default_rng(seed)
    span = (end - start).days
    found = []
    for member_id in member_ids:
        base = rng.gamma(R, 1 / ALPHA)
        dropout = rng.beta(A, B)
        scale = rng.gamma(Q, 1 / GAMMA)
        since = cocreators.get(member_id)
        switch = float((_day(since) - start).days) if since is not None else float("inf")
        if since is not None:
            base *= SELECTION
        t = float(rng.integers(0, span // 2))
        first = True
        while t <= span:
            boosted = t >= switch
            spend_scale = scale / SPEND_EFFECT if boosted else scale
            amount = max(1.0, round(float(rng.gamma(P, 1 / spend_scale)), 2))
            found.append(Purchase(member_id, start + timedelta(days=int(t)), amount))
            # BG/NBD: a customer may drop out after a repeat purchase, not after the first.
            if not first and rng.random() < dropout:
                break
            first = False
            while True:
                rate = base * (RATE_EFFECT if t >= switch else 1.0)
                wait = rng.exponential(1 / rate)
                if t < switch < t + wait:
                    t = switch  # the rate changes here; the wait starts afresh
                    continue
                t += wait
                break
    return found


# NPS answers: ordinary members are split evenly (NPS 0); co-creators answer with 68 %
# promoters and 10 % detractors (NPS +58, the article's gap), whatever else they did.
ORDINARY = (0.30, 0.40, 0.30)  # detractor, passive, promoter
CO_CREATOR = (0.10, 0.22, 0.68)
ANSWER_RATE = 0.55


def nps_score(rng, co_creator: bool) -> int:
    detractor, passive, _promoter = CO_CREATOR if co_creator else ORDINARY
    draw = rng.random()
    if draw < detractor:
        return int(rng.integers(0, 7))
    if draw < detractor + passive:
        return int(rng.integers(7, 9))
    return int(rng.integers(9, 11))
