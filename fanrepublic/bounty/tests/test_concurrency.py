"""Paying a valid report under real concurrent connections on PostgreSQL."""

import pytest

from fanrepublic.bounty import services
from fanrepublic.bounty.tests.factories import BountyReportFactory, RewardTierFactory
from fanrepublic.core.errors import Conflict
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.members.tests.factories import engineer
from fanrepublic.points import services as points
from fanrepublic.points.models import Transaction
from fanrepublic.points.selectors import ledger_problems

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_triagers_judging_one_report_valid_at_once_pay_it_once():
    RewardTierFactory(severity="high", points=500)
    report = BountyReportFactory()
    triagers = [engineer() for _ in range(8)]
    results, errors = run_concurrently(
        lambda who: services.report_triage(actor=who, report=report, status="valid", severity="high"),
        [(t,) for t in triagers],
    )
    assert len(results) == 1 and len(errors) == 7 and all(isinstance(e, Conflict) for e in errors)
    assert points.wallet_for(report.reporter).balance_minor == 500
    assert Transaction.objects.filter(kind="bounty").count() == 1
    assert ledger_problems() == []
