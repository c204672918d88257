"""Committee elections end to end: who may stand, term limits, the multi-seat vote through
the fan parliament, seating the winners, and vacancies filled by the next-ranked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fanrepublic.committees import services
from fanrepublic.committees.enums import ElectionStatus
from fanrepublic.committees.models import Candidacy, Election, Seat
from fanrepublic.committees.tests.factories import CommitteeFactory, ElectionFactory
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.governance import services as votes
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator

pytestmark = pytest.mark.django_db
STATEMENT = "I will bring the voice of night-shift photographers to the committee."


def close_candidacies(election):
    Election.objects.filter(pk=election.pk).update(candidacy_closes_at=timezone.now() - timedelta(minutes=1))
    election.refresh_from_db()


def stand(election, n, trust=3):
    return [
        services.candidacy_submit(
            member=MemberFactory(trust_level=trust, username=f"cand{n}_{i}"),
            election=election,
            statement=STATEMENT,
        )
        for i in range(n)
    ]


class TestStanding:
    def test_opening_an_election_is_for_organisers_and_checks_its_dates(self):
        committee = CommitteeFactory()
        now = timezone.now()
        with pytest.raises(Forbidden):
            services.election_open(
                actor=engineer(),
                committee=committee,
                seats_to_fill=2,
                candidacy_closes_at=now + timedelta(days=1),
                voting_closes_at=now + timedelta(days=5),
            )
        for seats, cand, vote in [(0, 1, 5), (9, 1, 5), (2, -1, 5), (2, 3, 2)]:
            with pytest.raises(ValidationFailed):
                services.election_open(
                    actor=operator(),
                    committee=committee,
                    seats_to_fill=seats,
                    candidacy_closes_at=now + timedelta(days=cand),
                    voting_closes_at=now + timedelta(days=vote),
                )
        election = services.election_open(
            actor=operator(),
            committee=committee,
            seats_to_fill=2,
            candidacy_closes_at=now + timedelta(days=1),
            voting_closes_at=now + timedelta(days=5),
        )
        assert election.status == ElectionStatus.CANDIDACY
        with pytest.raises(Conflict):  # one election at a time
            services.election_open(
                actor=operator(),
                committee=committee,
                seats_to_fill=1,
                candidacy_closes_at=now + timedelta(days=1),
                voting_closes_at=now + timedelta(days=5),
            )

    def test_who_may_stand_and_bad_statements(self):
        election = ElectionFactory()
        with pytest.raises(Forbidden) as exc:
            services.candidacy_submit(
                member=MemberFactory(trust_level=1), election=election, statement=STATEMENT
            )
        assert "trust level 2" in str(exc.value.message)
        fan = MemberFactory(trust_level=3)
        with pytest.raises(ValidationFailed):
            services.candidacy_submit(member=fan, election=election, statement="too short")
        services.candidacy_submit(member=fan, election=election, statement=STATEMENT)
        with pytest.raises(Conflict):
            services.candidacy_submit(member=fan, election=election, statement=STATEMENT)
        close_candidacies(election)
        with pytest.raises(Conflict):
            services.candidacy_submit(
                member=MemberFactory(trust_level=3), election=election, statement=STATEMENT
            )
        assert Candidacy.objects.count() == 1

    def test_term_limits(self):
        committee = CommitteeFactory(term_limit=1)
        veteran = MemberFactory(trust_level=3)
        first = ElectionFactory(committee=committee, seats_to_fill=2)
        services.candidacy_submit(member=veteran, election=first, statement=STATEMENT)
        close_candidacies(first)
        services.election_start_voting(actor=operator(), election=first)  # unopposed: seated
        assert Seat.objects.get().member == veteran
        second = ElectionFactory(committee=committee)
        with pytest.raises(Forbidden) as exc:
            services.candidacy_submit(member=veteran, election=second, statement=STATEMENT)
        assert "terms in a row" in str(exc.value.message)


class TestElecting:
    def test_a_contested_election_runs_an_stv_vote_seats_winners_and_fills_a_vacancy(self):
        election = ElectionFactory(seats_to_fill=2)
        cands = stand(election, 4)
        close_candidacies(election)
        election = services.election_start_voting(actor=operator(), election=election)
        vote = election.vote
        assert (
            election.status == ElectionStatus.VOTING
            and vote.method == "stv"
            and vote.seats == 2
            and vote.secret
        )
        option = {c.member_id: Candidacy.objects.get(pk=c.pk).option_id for c in cands}
        a, b, c, d = (option[x.member_id] for x in cands)
        ballots = [[a, b]] * 5 + [[b, a]] * 2 + [[c, d]] * 4 + [[d, c]] * 1
        for choice in ballots:
            votes.ballot_cast(member=MemberFactory(trust_level=1), vote=vote, option_ids=choice)
        with pytest.raises(Conflict):
            services.election_seat(actor=operator(), election=election)  # vote not counted yet
        votes.vote_close(actor=operator(), vote=vote)
        votes.vote_publish(actor=operator(), vote=vote)
        seats = services.election_seat(actor=operator(), election=election)
        assert {s.member_id for s in seats} == {cands[0].member_id, cands[2].member_id}
        ranks = dict(Candidacy.objects.values_list("member_id", "rank"))
        assert sorted(ranks.values()) == [1, 2, 3, 4]
        leaving = Seat.objects.get(member=cands[0].member)
        following = services.seat_vacate(actor=operator(), seat=leaving, reason="Moved abroad")
        next_ranked = min(
            (c for c in cands if c.member_id not in {s.member_id for s in seats}),
            key=lambda c: ranks[c.member_id],
        )
        assert following.member_id == next_ranked.member_id and following.filled_vacancy
        assert following.ends_on == leaving.ends_on
        assert AuditEntry.objects.filter(action="committees.seat.vacated").exists()
        with pytest.raises(Conflict):
            services.seat_vacate(actor=operator(), seat=leaving, reason="again")

    def test_the_ranks_follow_the_counts_order_and_nobody_is_seated_by_no_ballots(self):
        # Given four candidates for two seats and 13 ballots (quota 5)
        election = ElectionFactory(seats_to_fill=2)
        cands = stand(election, 4)
        close_candidacies(election)
        election = services.election_start_voting(actor=operator(), election=election)
        a, b, c, d = (Candidacy.objects.get(pk=x.pk).option_id for x in cands)
        for choice in [[a]] * 5 + [[c]] * 4 + [[b]] * 3 + [[d]]:
            votes.ballot_cast(member=MemberFactory(trust_level=1), vote=election.vote, option_ids=choice)
        votes.vote_close(actor=operator(), vote=election.vote)
        vote = votes.vote_publish(actor=operator(), vote=election.vote)
        # When the winners are seated
        services.election_seat(actor=operator(), election=election)
        # Then A (quota) and C (last standing) sit; B, excluded after D, ranks above D
        assert vote.result["order"] == [a, c, b, d]
        ranks = dict(Candidacy.objects.values_list("option_id", "rank"))
        assert [ranks[o] for o in (a, c, b, d)] == [1, 2, 3, 4]
        # And an election in which no ballot ranked anyone seats no one
        empty = ElectionFactory(committee=CommitteeFactory(), seats_to_fill=1)
        stand(empty, 2)
        close_candidacies(empty)
        empty = services.election_start_voting(actor=operator(), election=empty)
        votes.ballot_cast(member=MemberFactory(trust_level=1), vote=empty.vote, option_ids=[], abstain=True)
        votes.vote_close(actor=operator(), vote=empty.vote)
        votes.vote_publish(actor=operator(), vote=empty.vote)
        assert services.election_seat(actor=operator(), election=empty) == []

    def test_voting_waits_for_candidacies_to_close_and_needs_a_candidate(self):
        election = ElectionFactory()
        with pytest.raises(Conflict):
            services.election_start_voting(actor=operator(), election=election)
        close_candidacies(election)
        with pytest.raises(Conflict):
            services.election_start_voting(actor=operator(), election=election)
        with pytest.raises(Forbidden):
            services.election_start_voting(actor=MemberFactory(), election=election)
