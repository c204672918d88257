"""Net Promoter Score: % of promoters (9–10) − % of detractors (0–6), from −100 to 100.

Its interval: NPS is the mean of a variable worth +100 (promoter), 0 (passive) or −100
(detractor), so its standard error is 100·√((p⁺ + p⁻ − (p⁺ − p⁻)²) / n) — the variance of
that three-valued variable over n. A normal interval on it is what survey tools show; with
few answers or an extreme share it can run past ±100, so it is clipped there.
"""

from dataclasses import dataclass
from math import sqrt

Z90 = 1.6449
PROMOTER, DETRACTOR = 9, 6


def category(score: int) -> int:
    """+1 promoter, 0 passive, −1 detractor."""
    return 1 if score >= PROMOTER else (-1 if score <= DETRACTOR else 0)


@dataclass(frozen=True)
class Score:
    answers: int
    promoters: int
    passives: int
    detractors: int

    @property
    def value(self) -> float | None:
        if not self.answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.answers

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.answers:
            return None
        up, down = self.promoters / self.answers, self.detractors / self.answers
        error = 100 * sqrt(max(0.0, up + down - (up - down) ** 2) / self.answers)
        return (max(-100.0, self.value - Z90 * error), min(100.0, self.value + Z90 * error))


def score_of(scores) -> Score:
    kinds = [category(s) for s in scores]
    return Score(
        answers=len(kinds),
        promoters=sum(1 for k in kinds if k == 1),
        passives=sum(1 for k in kinds if k == 0),
        detractors=sum(1 for k in kinds if k == -1),
    )
