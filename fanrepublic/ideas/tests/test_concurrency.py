"""Supporters arriving together on PostgreSQL: each counted once, the threshold crossed by
exactly one of them, a double click counted once."""

import pytest
from django.test import override_settings

from fanrepublic.core.errors import Conflict
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.ideas import services
from fanrepublic.ideas.enums import ProposalStatus
from fanrepublic.ideas.models import Support
from fanrepublic.members.tests.factories import MemberFactory

from .factories import ProposalFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@override_settings(IDEAS_SUPPORT_THRESHOLD=100)
def test_twelve_supporters_at_once_are_twelve():
    proposal = ProposalFactory()
    fans = [MemberFactory() for _ in range(12)]
    results, errors = run_concurrently(
        lambda fan: services.proposal_support(member=fan, proposal=proposal), [(f,) for f in fans]
    )
    proposal.refresh_from_db()
    assert errors == [] and len(results) == 12
    assert proposal.support_count == 12 == Support.objects.filter(proposal=proposal).count()


@override_settings(IDEAS_SUPPORT_THRESHOLD=5)
def test_the_threshold_is_crossed_once_and_late_supporters_are_refused():
    proposal = ProposalFactory()
    fans = [MemberFactory() for _ in range(9)]
    results, errors = run_concurrently(
        lambda fan: services.proposal_support(member=fan, proposal=proposal), [(f,) for f in fans]
    )
    proposal.refresh_from_db()
    assert len(results) == 5 and len(errors) == 4 and all(isinstance(e, Conflict) for e in errors)
    assert proposal.support_count == 5 and proposal.status == ProposalStatus.IN_REVIEW


def test_a_double_click_counts_once():
    proposal = ProposalFactory()
    fan = MemberFactory()
    results, errors = run_concurrently(
        lambda: services.proposal_support(member=fan, proposal=proposal), [()] * 6
    )
    proposal.refresh_from_db()
    assert len(results) == 1 and len(errors) == 5 and all(isinstance(e, Conflict) for e in errors)
    assert proposal.support_count == 1
