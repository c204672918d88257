"""One member, one ballot — under real concurrent connections on PostgreSQL."""

import pytest

from fanrepublic.core.errors import Conflict
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.governance import services
from fanrepublic.governance.models import Ballot
from fanrepublic.governance.tests.factories import VoteFactory
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_member_voting_eight_times_at_once_is_one_ballot():
    vote = VoteFactory(allow_change=False)
    option = vote.options.first().pk
    fan = MemberFactory()
    results, errors = run_concurrently(
        lambda: services.ballot_cast(member=fan, vote=vote, option_ids=[option]), [()] * 8
    )
    assert len(results) == 1 and len(errors) == 7 and all(isinstance(e, Conflict) for e in errors)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_changes_racing_keep_one_ballot_with_one_of_the_choices():
    vote = VoteFactory(allow_change=True)
    options = list(vote.options.values_list("pk", flat=True))
    fan = MemberFactory()
    _results, errors = run_concurrently(
        lambda option: services.ballot_cast(member=fan, vote=vote, option_ids=[option]),
        [(o,) for o in options * 3],
    )
    assert errors == []
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.choice[0] in options and ballot.changes == len(options) * 3 - 1


def test_many_members_at_once_are_counted_exactly():
    vote = VoteFactory()
    options = list(vote.options.values_list("pk", flat=True))
    members = [MemberFactory() for _ in range(24)]
    _results, errors = run_concurrently(
        lambda member, n: services.ballot_cast(member=member, vote=vote, option_ids=[options[n % 3]]),
        [(m, n) for n, m in enumerate(members)],
    )
    assert errors == []
    counts = [Ballot.objects.filter(vote=vote, choice=[o]).count() for o in options]
    assert counts == [8, 8, 8]
