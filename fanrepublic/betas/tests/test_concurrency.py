"""Applications and seats under real concurrent connections on PostgreSQL."""

import pytest

from fanrepublic.betas import services
from fanrepublic.betas.models import Application
from fanrepublic.betas.tests.factories import BetaProgrammeFactory
from fanrepublic.core.errors import Conflict
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.members.tests.factories import MemberFactory, operator

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_member_applying_eight_times_at_once_applies_once():
    programme = BetaProgrammeFactory(open=True)
    fan = MemberFactory()
    results, errors = run_concurrently(
        lambda: services.application_submit(member=fan, programme=programme, answers={}), [()] * 8
    )
    assert len(results) == 1 and len(errors) == 7 and all(isinstance(e, Conflict) for e in errors)
    assert Application.objects.filter(programme=programme, member=fan).count() == 1


def test_staff_accepting_many_applicants_at_once_never_exceed_the_seats():
    programme = BetaProgrammeFactory(open=True, capacity=3)
    applications = [
        services.application_submit(member=MemberFactory(), programme=programme, answers={})
        for _ in range(10)
    ]
    staff = operator()
    results, errors = run_concurrently(
        lambda application: services.application_decide(
            actor=staff, application=application, status="selected"
        ),
        [(a,) for a in applications],
    )
    assert len(results) == 3 and all(isinstance(e, Conflict) for e in errors)
    assert programme.applications.filter(status="selected").count() == 3
