"""Counting every method, with ties and exhausted ballots, and the Merkle digest."""

import pytest

from fanrepublic.governance import merkle
from fanrepublic.governance.tally import tabulate

A, B, C, D = 1, 2, 3, 4


def count(method, ballots, options=(A, B, C), seats=1, seed="s"):
    return tabulate(method=method, option_ids=list(options), ballots=ballots, seats=seats, seed=seed)


class TestPluralityAndApproval:
    def test_single_choice_counts_and_abstentions_do_not_count_for_an_option(self):
        result = count("single", [[A], [A], [B], []])
        assert result["counts"] == {"1": 2, "2": 1, "3": 0} and result["winners"] == [A]
        assert (result["ballots"], result["abstained"], result["counted"]) == (4, 1, 3)

    def test_a_tie_is_reported_not_decided_by_chance(self):
        result = count("single", [[A], [B]])
        assert result["winners"] == [] and sorted(result["tied"]) == [A, B]

    def test_approval_counts_every_approved_option(self):
        result = count("approval", [[A, B], [B], [B, C]])
        assert result["counts"] == {"1": 1, "2": 3, "3": 1} and result["winners"] == [B]

    def test_nobody_voted(self):
        result = count("single", [[], []])
        assert result["winners"] == [] and result["tied"] == [] and result["abstained"] == 2


class TestRanked:
    def test_instant_runoff_transfers_the_eliminated_preferences(self):
        # First preferences: A 3, B 2, C 2 → C eliminated, its ballots go to B → B 4, A 3.
        ballots = [[A], [A], [A], [B], [B], [C, B], [C, B]]
        result = count("irv", ballots)
        assert result["counts"]["1"] == 3 and result["winners"] == [B]
        assert len(result["rounds"]) >= 2

    def test_exhausted_ballots_are_counted_as_exhausted(self):
        ballots = [[A], [A], [B], [B], [C]]  # C's only ballot ranks nobody else
        result = count("irv", ballots)
        assert result["rounds"][-1]["exhausted"] >= 1

    def test_single_transferable_vote_fills_several_seats(self):
        ballots = [[A, B]] * 4 + [[B, A]] * 2 + [[C, D]] * 3 + [[D, C]] * 1
        result = count("stv", ballots, options=(A, B, C, D), seats=2)
        assert sorted(result["winners"]) == [A, C]

    def test_a_ranked_tie_is_broken_the_same_way_for_the_same_seed(self):
        ballots = [[A], [B]]
        first = count("irv", ballots, seed="digest-x")
        assert all(count("irv", ballots, seed="digest-x")["winners"] == first["winners"] for _ in range(5))


class TestMerkle:
    BALLOTS = [{"receipt": f"{n:032x}", "choice": [n % 3]} for n in range(7)]

    def test_every_ballot_has_a_path_to_the_root(self):
        root = merkle.root(self.BALLOTS)
        for ballot in self.BALLOTS:
            assert merkle.verify(ballot, merkle.proof(self.BALLOTS, ballot["receipt"]), root)

    def test_a_changed_choice_or_a_missing_ballot_changes_the_root(self):
        root = merkle.root(self.BALLOTS)
        altered = [dict(b) for b in self.BALLOTS]
        altered[3]["choice"] = [9]
        assert merkle.root(altered) != root and merkle.root(self.BALLOTS[:-1]) != root
        assert not merkle.verify(altered[3], merkle.proof(self.BALLOTS, altered[3]["receipt"]), root)

    def test_order_of_the_file_does_not_matter(self):
        assert merkle.root(list(reversed(self.BALLOTS))) == merkle.root(self.BALLOTS)
        assert merkle.proof(self.BALLOTS, "nope") is None


@pytest.mark.parametrize("n", [1, 2, 3, 8, 9])
def test_roots_for_any_number_of_ballots(n):
    ballots = [{"receipt": f"{i:032x}", "choice": []} for i in range(n)]
    root = merkle.root(ballots)
    assert all(merkle.verify(b, merkle.proof(ballots, b["receipt"]), root) for b in ballots)
