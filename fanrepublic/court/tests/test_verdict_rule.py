"""The decision rule "court-verdict-1" against a reference written from docs/court.md
with exact fractions, on random and adversarial ballots: closing the ballot early (as
soon as the result cannot change) never gives a different answer from counting every
ballot, and the deadline counts a missing ballot as not approving."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanrepublic.court import verdict_rule


def reference(ballots: list[bool], seated: int) -> str:
    """Every seat's ballot counted (a missing one does not approve): adopted when the
    approvals are at least two thirds of the seats."""
    return "adopted" if Fraction(sum(ballots), seated) >= Fraction(2, 3) else "rejected"


def counted(ballots: list[bool], seated: int) -> str:
    """The service's way: ballots one at a time, closing as soon as the rule says the
    result cannot change, else at the deadline."""
    approvals = rejections = 0
    for approve in ballots:
        approvals += approve
        rejections += not approve
        closed = verdict_rule.result(approvals=approvals, rejections=rejections, seated=seated)
        if closed:
            return closed
    return verdict_rule.result(
        approvals=approvals, rejections=rejections, seated=seated, deadline_passed=True
    )


seats_and_ballots = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.booleans(), max_size=n))
)


@given(seats_and_ballots)
def test_closing_early_or_at_the_deadline_gives_the_result_of_counting_every_seat(case):
    seated, ballots = case
    everyone = ballots + [False] * (seated - len(ballots))  # the silent do not approve
    assert counted(ballots, seated) == reference(everyone, seated)


@given(seats_and_ballots)
def test_an_early_close_holds_whatever_the_ballots_still_to_come(case):
    seated, ballots = case
    for k in range(len(ballots) + 1):
        approvals, rejections = sum(ballots[:k]), k - sum(ballots[:k])
        closed = verdict_rule.result(approvals=approvals, rejections=rejections, seated=seated)
        if closed:
            rest = seated - k
            assert closed == reference(ballots[:k] + [True] * rest, seated)
            assert closed == reference(ballots[:k] + [False] * rest, seated)
            break


@pytest.mark.parametrize("seated", [12, 13, 21, 25])
def test_adversarial_edges_one_ballot_either_side_of_two_thirds(seated):
    need = verdict_rule.needed(seated)
    assert counted([True] * need, seated) == "adopted"
    assert counted([True] * (need - 1) + [False] * (seated - need + 1), seated) == "rejected"
    assert counted([False] * (seated - need) + [True] * need, seated) == "adopted"
    assert counted([True] * (need - 1), seated) == "rejected"  # the deadline, one short


@pytest.mark.parametrize(
    "seated, needed",
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (9, 6), (12, 8), (13, 9), (21, 14), (23, 16)],
)
def test_two_thirds_rounded_up(seated, needed):
    assert verdict_rule.needed(seated) == needed
    assert Fraction(needed, seated) >= Fraction(2, 3) > Fraction(needed - 1, seated)


@pytest.mark.parametrize("approvals, rejections, seated", [(-1, 0, 12), (0, -1, 12), (7, 6, 12), (0, 0, 0)])
def test_impossible_counts_are_refused(approvals, rejections, seated):
    with pytest.raises(ValueError):
        verdict_rule.result(approvals=approvals, rejections=rejections, seated=seated)
