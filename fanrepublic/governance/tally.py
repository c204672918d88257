"""Counting: the same function counts in the service and in `manage.py recount_vote`,
from the same anonymised ballots, so a recount reproduces the published result.

Single choice and approval are counts. Ranked methods use pyrankvote (instant runoff
for one winner, single transferable vote for several seats); its last-resort tie-break
is random, so it is seeded with the vote's published digest — deterministic, and fixed
before anyone could know which way it would fall."""

import random
from collections import Counter

import pyrankvote

from .enums import RANKED, Method


def tabulate(*, method: str, option_ids: list[int], ballots: list[list[int]], seats: int, seed: str) -> dict:
    cast = [b for b in ballots if b]
    abstained = len(ballots) - len(cast)
    result = {"ballots": len(ballots), "abstained": abstained, "counted": len(cast), "rounds": []}
    if method in (Method.SINGLE, Method.APPROVAL):
        counts = Counter(option for ballot in cast for option in ballot)
        result["counts"] = {str(o): counts.get(o, 0) for o in option_ids}
        ranked = sorted(option_ids, key=lambda o: -counts.get(o, 0))
        winners, tied = _top(ranked, counts, seats)
        result.update(winners=winners, tied=tied)
        return result
    if method not in RANKED:
        raise ValueError(method)
    candidates = {o: pyrankvote.Candidate(str(o)) for o in option_ids}
    rank_ballots = [pyrankvote.Ballot(ranked_candidates=[candidates[o] for o in b]) for b in cast]
    state = random.getstate()
    random.seed(seed)
    try:
        if method == Method.IRV:
            election = pyrankvote.instant_runoff_voting(list(candidates.values()), rank_ballots)
        else:
            election = pyrankvote.single_transferable_vote(
                list(candidates.values()), rank_ballots, number_of_seats=seats
            )
    finally:
        random.setstate(state)
    for round_ in election.rounds:
        result["rounds"].append(
            {
                "counts": {r.candidate.name: round(r.number_of_votes, 4) for r in round_.candidate_results},
                "status": {r.candidate.name: r.status for r in round_.candidate_results},
                "exhausted": round(round_.number_of_blank_votes, 4),
            }
        )
    first = Counter(b[0] for b in cast)
    result["counts"] = {str(o): first.get(o, 0) for o in option_ids}  # first preferences
    result["winners"] = [int(c.name) for c in election.get_winners()]
    result["tied"] = []
    return result


def _top(ranked: list[int], counts: Counter, seats: int) -> tuple[list[int], list[int]]:
    """The `seats` options with most votes; options tied across the last seat are
    reported as a tie rather than decided by chance."""
    if not ranked or counts.get(ranked[0], 0) == 0:
        return [], []
    cutoff = counts.get(ranked[min(seats, len(ranked)) - 1], 0)
    above = [o for o in ranked if counts.get(o, 0) > cutoff]
    if cutoff == 0:
        return above, []  # fewer options with votes than seats
    at = [o for o in ranked if counts.get(o, 0) == cutoff]
    if len(above) + len(at) <= seats:
        return above + at, []
    return above, at
