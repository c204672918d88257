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


def test_a_month_issued_twice_at_once_is_one_statement_paid_once():
    from datetime import date, datetime

    from django.utils import timezone

    from fanrepublic.ideas.models import RoyaltyStatement
    from fanrepublic.ideas.selectors import statement_lines
    from fanrepublic.points.enums import Currency
    from fanrepublic.points.selectors import ledger_problems
    from fanrepublic.points.services import wallet_for

    from .test_royalties import adopted, imported, sold

    zone = timezone.get_current_timezone()
    adoption = adopted()
    imported(
        *[
            sold(f"Z{n}", datetime(2026, 3, 12, 10 + n, tzinfo=zone), "COOKER-1", 1, "100.00")
            for n in range(5)
        ]
    )
    results, errors = run_concurrently(
        lambda: services.statement_issue(
            adoption=adoption, period=date(2026, 3, 1), now=datetime(2026, 4, 2, tzinfo=zone)
        ),
        [()] * 4,
    )
    assert errors == [] and len({s.pk for s in results}) == 1
    assert RoyaltyStatement.objects.count() == 1
    assert statement_lines(RoyaltyStatement.objects.get()).count() == 5
    assert wallet_for(adoption.proposal.author, Currency.CNY).balance_minor == 500
    assert ledger_problems() == []
