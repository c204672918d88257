"""Counting: the same function counts in the service and in `manage.py recount_vote`,
from the same anonymised ballots, so a recount reproduces the published result.

Single choice and approval are counts (a tie across the last seat is reported, not
drawn). Ranked ballots are counted by one named, published rule: the single transferable
vote of the Scottish Local Government Elections Order 2007 (SSI 2007/42, schedule 1,
rules 45–52), the weighted inclusive Gregory method. Instant runoff is the same rule with
one seat. In short:

- quota = valid ballots ÷ (seats + 1), decimals ignored, + 1 (rule 46); whoever reaches it
  at any stage is deemed elected (rule 47);
- a surplus is transferred one candidate at a time, the largest first (rule 49), from all
  of that candidate's ballot papers, each at the value surplus × the paper's value ÷ the
  candidate's votes, truncated to five decimal places (rule 48);
- otherwise the candidate with the fewest votes is excluded and each of their papers moves
  on at the value it arrived with (rule 50);
- ties look back to the most recent earlier stage at which the tied candidates differed
  (rules 49(2), 51); when they never differed, a lot decides (rules 49(3), 51(2)(b));
- when as many candidates continue as seats remain, they are elected (rule 52).

Nobody is elected when no ballot ranked anyone. The lot is drawn from the vote's
published digest — options in the order of sha256("<digest>:<option id>"), earlier wins —
so it is reproducible by anyone and fixed before anyone could know which way it would
fall; no random generator is involved, so a count cannot be disturbed by other threads.

Why not a library: pyrankvote (used before) averages values on exclusion and splits
surpluses equally, a rule no one uses; votekit, pyrcv and stvpoll count variants of
Gregory STV (simultaneous surpluses, transfers to candidates already over the quota,
no or other rounding, ties by a process-wide random generator). They serve as independent
counters in the tests instead (see docs/architecture.md).

Values are kept exactly, as integers in hundred-thousandths of a vote: the rule fixes
five decimal places, so floor division is the rule's truncation with no rounding error."""

import hashlib
from collections import Counter

from .enums import RANKED, Method

RULE = "scottish-stv-2007"  # what the published result says it was counted by
UNIT = 100_000  # one vote, in hundred-thousandths (rule 48(3): five decimal places)


def tabulate(*, method: str, option_ids: list[int], ballots: list[list[int]], seats: int, seed: str) -> dict:
    """Count `ballots` (lists of option ids; [] is an abstention). Raises ValueError for a
    ballot naming an unknown option or one option twice."""
    _check(method, option_ids, ballots)
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
    first = Counter(b[0] for b in cast)
    result["counts"] = {str(o): first.get(o, 0) for o in option_ids}  # first preferences
    count = stv(option_ids, cast, seats=1 if method == Method.IRV else seats, seed=seed)
    result.update(count, tied=[])
    return result


def _check(method: str, option_ids: list[int], ballots: list[list[int]]) -> None:
    valid = set(option_ids)
    for number, ballot in enumerate(ballots, start=1):
        if any(o not in valid for o in ballot) or len(set(ballot)) != len(ballot):
            raise ValueError(f"ballot {number} names an unknown option or one option twice: {ballot}")
        if method == Method.SINGLE and len(ballot) > 1:
            raise ValueError(f"ballot {number} chooses more than one option: {ballot}")


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


def lot_order(option_ids, seed: str) -> list[int]:
    """The lot, fixed by the published digest: earlier in this order wins a drawn tie."""
    return sorted(option_ids, key=lambda o: (hashlib.sha256(f"{seed}:{o}".encode()).hexdigest(), o))


def votes_text(units: int) -> str:
    """Hundred-thousandths as an exact decimal: 250000 → "2.5"."""
    whole, part = divmod(units, UNIT)
    return f"{whole}.{part:05d}".rstrip("0").rstrip(".")


class _Parcel:
    """Identical ballot papers travel together: same preferences, same value."""

    __slots__ = ("preferences", "papers", "value")

    def __init__(self, preferences: tuple[int, ...], papers: int):
        self.preferences, self.papers, self.value = preferences, papers, UNIT


def stv(option_ids: list[int], ballots: list[list[int]], *, seats: int, seed: str) -> dict:
    """The count under SSI 2007/42 rules 45–52 (see the module's docstring). Returns the
    quota, the winners in order of election, the full count order (winners, then the
    candidates left standing by their votes, then the excluded, last excluded first), each
    stage's votes and whether a lot decided anything."""
    candidates = list(option_ids)
    if not ballots or not candidates:
        return {"rule": RULE, "quota": None, "winners": [], "order": [], "rounds": [], "lot": False}
    quota = (len(ballots) // (seats + 1) + 1) * UNIT
    draw = {o: n for n, o in enumerate(lot_order(candidates, seed))}
    state = dict.fromkeys(candidates, "continuing")
    votes = dict.fromkeys(candidates, 0)
    piles: dict[int, list[_Parcel]] = {o: [] for o in candidates}
    for preferences, papers in Counter(tuple(b) for b in ballots).items():
        parcel = _Parcel(preferences, papers)
        piles[preferences[0]].append(parcel)
        votes[preferences[0]] += papers * UNIT
    history: list[dict[int, int]] = []  # votes at the end of each stage
    elected: list[int] = []
    excluded: list[int] = []
    pending: list[int] = []  # elected with a surplus not yet transferred
    rounds: list[dict] = []
    decided = {"how": None}

    def continuing() -> list[int]:
        return [o for o in candidates if state[o] == "continuing"]

    def untie(tied: list[int], *, highest: bool) -> int:
        # Rules 49(2) and 51(2): the most recent earlier stage at which they differed;
        # where that leaves several, the one before, and so on; then the lot.
        for earlier in reversed(history[:-1]):
            best = (max if highest else min)(earlier[o] for o in tied)
            narrowed = [o for o in tied if earlier[o] == best]
            if len(narrowed) < len(tied):
                decided["how"] = decided["how"] or "history"
                tied = narrowed
                if len(tied) == 1:
                    return tied[0]
        decided["how"] = "lot"
        return (min if highest else max)(tied, key=draw.__getitem__)

    def pick(among: list[int], *, highest: bool) -> int:
        best = (max if highest else min)(votes[o] for o in among)
        tied = [o for o in among if votes[o] == best]
        return tied[0] if len(tied) == 1 else untie(tied, highest=highest)

    def in_order(among: list[int]) -> list[int]:
        among, ordered = list(among), []
        while among:
            ordered.append(pick(among, highest=True))
            among.remove(ordered[-1])
        return ordered

    def move(parcel: _Parcel) -> None:
        to = next((o for o in parcel.preferences if state[o] == "continuing"), None)
        if to is not None:  # otherwise non-transferable: its value leaves the count
            piles[to].append(parcel)
            votes[to] += parcel.papers * parcel.value

    def stage(action: str, candidate: int | None) -> None:
        history.append(dict(votes))
        newly = in_order([o for o in continuing() if votes[o] >= quota])  # rule 47
        for o in newly:
            state[o] = "elected"
            elected.append(o)
            if votes[o] > quota:
                pending.append(o)
        rounds.append(
            {
                "stage": len(rounds) + 1,
                "action": action,
                "candidate": candidate,
                "counts": {str(o): votes_text(votes[o]) for o in candidates},
                "exhausted": votes_text(len(ballots) * UNIT - sum(votes.values())),
                "elected": newly,
                "excluded": [candidate] if action == "exclusion" else [],
                "tie": decided["how"],
            }
        )
        decided["how"] = None

    stage("first", None)
    while len(elected) < seats:
        standing = continuing()
        if len(standing) <= seats - len(elected):  # rule 52: no further transfer
            newly = in_order(standing)
            for o in newly:
                state[o] = "elected"
                elected.append(o)
            if not newly:
                break  # more seats than candidates
            rounds.append(
                {
                    "stage": len(rounds) + 1,
                    "action": "last_vacancies",
                    "candidate": None,
                    "counts": rounds[-1]["counts"],
                    "exhausted": rounds[-1]["exhausted"],
                    "elected": newly,
                    "excluded": [],
                    "tie": decided["how"],
                }
            )
            break
        if pending:  # rules 48 and 49: the largest surplus first
            source = pick(pending, highest=True)
            pending.remove(source)
            surplus, total = votes[source] - quota, votes[source]
            parcels, piles[source] = piles[source], []
            for parcel in parcels:
                parcel.value = surplus * parcel.value // total  # truncated to 1e-5
                move(parcel)
            votes[source] = quota
            stage("surplus", source)
        else:  # rule 50: exclude the candidate with fewest votes
            source = pick(standing, highest=False)
            state[source] = "excluded"
            excluded.append(source)
            parcels, piles[source] = piles[source], []
            votes[source] = 0
            for parcel in parcels:
                move(parcel)
            stage("exclusion", source)
    left = in_order([o for o in candidates if state[o] == "continuing"])  # seats filled first
    return {
        "rule": RULE,
        "quota": quota // UNIT,
        "winners": elected,
        "order": [*elected, *left, *reversed(excluded)],
        "rounds": rounds,
        "lot": decided["how"] == "lot" or any(r["tie"] == "lot" for r in rounds),
    }
