"""A second counter for the tests, written from the text of the Scottish Local Government
Elections Order 2007 (SSI 2007/42), schedule 1, rules 45–52 — not from governance.tally.

It is literal and slow on purpose: every ballot paper is its own object with a
`fractions.Fraction` value, truncated to five decimal places as rule 48(3) says; the
votes credited to a candidate are recomputed from the papers in their parcels after every
stage instead of being carried forward. Ties follow rules 49(2)–(3) and 51(2); the lot is
the one the site publishes (options in the order of sha256("<digest>:<option id>")).
"""

import hashlib
import math
from fractions import Fraction


def five_places(value: Fraction) -> Fraction:
    """Rule 48(3): "the calculation being made to five decimal places (any remainder
    being ignored)"."""
    return Fraction(math.floor(value * 100000), 100000)


class Paper:
    def __init__(self, preferences):
        self.preferences = list(preferences)
        self.value = Fraction(1)


def count(candidates, ballots, seats, seed):
    papers = [Paper(b) for b in ballots if b]
    if not papers:
        return {"quota": None, "winners": [], "order": [], "stages": [], "excluded": []}
    lot = sorted(candidates, key=lambda c: (hashlib.sha256(f"{seed}:{c}".encode()).hexdigest(), c))
    # Rule 46: valid papers ÷ (seats + 1), decimals ignored, plus one.
    quota = Fraction(len(papers) // (seats + 1) + 1)
    parcels = {c: [] for c in candidates}
    for paper in papers:  # rule 45: sorted by first preference
        parcels[paper.preferences[0]].append(paper)
    deemed_elected, excluded, surplus_transferred = [], [], set()
    fixed = {}  # an elected candidate whose surplus has gone is credited with the quota
    stages = []

    def is_continuing(c):
        return c not in deemed_elected and c not in excluded

    def credited(c):
        if c in excluded:
            return Fraction(0)
        if c in fixed:
            return fixed[c]
        return sum((p.value for p in parcels[c]), Fraction(0))

    def next_available_preference(paper):
        for c in paper.preferences:
            if is_continuing(c):
                return c
        return None

    def tie_break(tied, *, lowest):
        """Rules 49(2) and 51(2): regard the most recently preceding stage at which the
        tied candidates had unequal votes (repeating for those still level), then the lot."""
        tied = list(tied)
        for earlier in range(len(stages) - 2, -1, -1):
            at = {c: stages[earlier]["votes"][c] for c in tied}
            if len(set(at.values())) > 1:
                extreme = min(at.values()) if lowest else max(at.values())
                tied = [c for c in tied if at[c] == extreme]
                if len(tied) == 1:
                    return tied[0], "history"
        chosen = [c for c in lot if c in tied]
        return (chosen[-1] if lowest else chosen[0]), "lot"

    def by_votes(group):
        """Highest first; equal votes ordered by the tie rules."""
        group, out, how = list(group), [], None
        while group:
            top = max(credited(c) for c in group)
            level = [c for c in group if credited(c) == top]
            if len(level) > 1:
                chosen, kind = tie_break(level, lowest=False)
                how = "lot" if "lot" in (how, kind) else kind
            else:
                chosen = level[0]
            out.append(chosen)
            group.remove(chosen)
        return out, how

    def end_of_stage(action, candidate, how):
        stages.append({"votes": {c: credited(c) for c in candidates}})
        # Rule 47: at any stage, whoever reaches the quota is deemed elected.
        reached, order_how = by_votes([c for c in candidates if is_continuing(c) and credited(c) >= quota])
        deemed_elected.extend(reached)
        stages[-1].update(
            action=action,
            candidate=candidate,
            elected=reached,
            tie=how if order_how is None else ("lot" if "lot" in (how, order_how) else order_how),
            exhausted=len(papers) - sum(stages[-1]["votes"].values()),
        )

    end_of_stage("first", None, None)
    while len(deemed_elected) < seats:
        remaining = seats - len(deemed_elected)
        continuing = [c for c in candidates if is_continuing(c)]
        # Rule 52: as many continuing candidates as vacancies: they are elected.
        if len(continuing) <= remaining:
            ordered, how = by_votes(continuing)
            deemed_elected.extend(ordered)
            if ordered:
                stages.append(
                    {
                        "votes": dict(stages[-1]["votes"]),
                        "action": "last_vacancies",
                        "candidate": None,
                        "elected": ordered,
                        "tie": how,
                        "exhausted": stages[-1]["exhausted"],
                    }
                )
            break
        surpluses = {
            c: credited(c) - quota
            for c in deemed_elected
            if c not in surplus_transferred and credited(c) > quota
        }
        if surpluses:
            # Rule 49: the highest surplus first; equal ones by the tie rules.
            highest = max(surpluses.values())
            level = [c for c in surpluses if surpluses[c] == highest]
            how = None
            if len(level) > 1:
                transferring, how = tie_break(level, lowest=False)
            else:
                transferring = level[0]
            surplus, total = surpluses[transferring], credited(transferring)
            # Rule 48: all papers of the candidate, sorted by next available preference,
            # each moving at surplus × its value when received ÷ the candidate's votes.
            kept = []
            for paper in parcels[transferring]:
                to = next_available_preference(paper)
                if to is None:
                    kept.append(paper)  # non-transferable
                    continue
                paper.value = five_places(surplus * paper.value / total)
                parcels[to].append(paper)
            parcels[transferring] = kept
            fixed[transferring] = quota
            surplus_transferred.add(transferring)
            end_of_stage("surplus", transferring, how)
        else:
            # Rule 50: exclude the candidate with the then lowest number of votes; rule 51
            # for a tie. Each paper moves on at the value it had when received.
            lowest = min(credited(c) for c in continuing)
            level = [c for c in continuing if credited(c) == lowest]
            how = None
            if len(level) > 1:
                out, how = tie_break(level, lowest=True)
            else:
                out = level[0]
            papers_out = parcels[out]
            excluded.append(out)
            parcels[out] = []
            for paper in papers_out:
                to = next_available_preference(paper)
                if to is not None:
                    parcels[to].append(paper)
            end_of_stage("exclusion", out, how)
    standing, _ = by_votes([c for c in candidates if is_continuing(c)])
    return {
        "quota": quota,
        "winners": deemed_elected,
        "order": deemed_elected + standing + excluded[::-1],
        "stages": stages,
        "excluded": excluded,
    }
