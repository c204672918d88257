"""The demo's purchase histories: drawn from the models the insights fit, with a known
co-creation effect, so the pages can show that the fit and the co-creator report recover
what was put in (docs/insights.md, "The demo's simulation").

Each member: a purchase rate λ ~ Gamma(R, rate ALPHA) per day, a drop-out chance after
each purchase p ~ Beta(A, B) (BG/NBD), and a spend scale ν ~ Gamma(Q, rate GAMMA) with
each purchase's value ~ Gamma(P, rate ν) (Gamma-Gamma). A co-creator's λ is multiplied
by RATE_EFFECT and their spend by SPEND_EFFECT: their expected yearly spend is
RATE_EFFECT × SPEND_EFFECT = 3.2 × an ordinary member's, the article's figure, before
drop-out (which is the same for both).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

R, ALPHA = 1.1, 80.0  # mean 1 purchase per ~73 days
A, B = 1.4, 9.0  # mean drop-out chance 13 % after each purchase
P, Q, GAMMA = 5.0, 4.0, 600.0  # mean spend per purchase P·GAMMA/(Q−1) = ¥1,000
RATE_EFFECT = 2.0
SPEND_EFFECT = 1.6


@dataclass(frozen=True)
class Purchase:
    member_id: int
    day: date
    amount: float  # yuan, two decimals


def purchases(
    member_ids, cocreators: set[int], *, start: date, end: date, seed: int = 2026
) -> list[Purchase]:
    """Every member's purchases in [start, end]: each becomes a customer on a uniformly
    drawn day of the window's first half, buys by a Poisson process while alive and may
    drop out after each repeat purchase."""
    rng = np.random.default_rng(seed)
    span = (end - start).days
    found = []
    for member_id in member_ids:
        boost = member_id in cocreators
        rate = rng.gamma(R, 1 / ALPHA) * (RATE_EFFECT if boost else 1.0)
        dropout = rng.beta(A, B)
        scale = rng.gamma(Q, 1 / GAMMA) / (SPEND_EFFECT if boost else 1.0)
        t = float(rng.integers(0, span // 2))
        first = True
        while t <= span:
            amount = max(1.0, round(float(rng.gamma(P, 1 / scale)), 2))
            found.append(Purchase(member_id, start + timedelta(days=int(t)), amount))
            # BG/NBD: a customer may drop out after a repeat purchase, not after the first.
            if not first and rng.random() < dropout:
                break
            first = False
            t += rng.exponential(1 / rate)
    return found
