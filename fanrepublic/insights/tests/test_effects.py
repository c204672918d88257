"""The value of an interaction, end to end on the platform's own data: interactions in
the event log, purchases through the order import drawn with a known effect and a known
self-selection (the demo's simulation), the comparison stored by the schedule's task
and shown to operators."""

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from django.utils import timezone

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.insights import effects, estimating, services, simulation
from fanrepublic.insights.interactions import CO_CREATION, first_dates, key_of
from fanrepublic.insights.models import InteractionEstimate
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.stores.purchases import orders_import

from .factories import sale, shop

pytestmark = pytest.mark.django_db
END = date(2026, 11, 30)


def moment(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def community(size: int, share: float, *, seed: int):
    """`size` members who joined three years ago; a `share` of them seated on a committee
    at a day of the last two years (their index); purchases drawn with the effect."""
    rng = np.random.default_rng(seed)
    members = [MemberFactory(date_joined=moment(END - timedelta(days=1100))) for _ in range(size)]
    seated = {}
    clerk = operator()
    for member in members[: int(size * share)]:
        day = END - timedelta(days=int(rng.integers(200, 500)))
        record_event(verb="committees.seated", actor=clerk, owner=member, occurred_at=moment(day))
        seated[member.pk] = day
    drawn = simulation.purchases(
        [m.pk for m in members], seated, start=END - timedelta(days=1000), end=END, seed=seed
    )
    by_pk = {m.pk: m for m in members}
    items = [
        sale(by_pk[p.member_id], p.day, f"{p.amount:.2f}", order_id=f"E{n}") for n, p in enumerate(drawn)
    ]
    for begin in range(0, len(items), 500):
        orders_import(integration=shop(), items=items[begin : begin + 500])
    return members, seated


def test_first_dates_read_the_right_member_of_each_event():
    member, other = MemberFactory(), MemberFactory()
    boss = operator()
    record_event(
        verb="committees.seated", actor=boss, owner=member, occurred_at=moment(END - timedelta(days=9))
    )
    record_event(
        verb="committees.seated", actor=boss, owner=member, occurred_at=moment(END - timedelta(days=3))
    )
    record_event(
        verb="forum.topic.created", actor=other, owner=other, occurred_at=moment(END - timedelta(days=5))
    )
    assert first_dates(("committee",)) == {member.pk: moment(END - timedelta(days=9))}
    assert set(first_dates(("post",))) == {other.pk}
    # The operator who seated them is no co-creator.
    assert boss.pk not in first_dates(CO_CREATION)


def test_matching_sees_through_self_selection_to_the_effect_put_in():
    members, seated = community(500, 0.25, seed=5)
    found = effects.compare(("committee",), end=END, bootstrap=200)
    assert found.treated == len(seated)
    truth = simulation.RATE_EFFECT * simulation.SPEND_EFFECT  # 3.2
    # The raw ratio mixes selection (1.5×) with the effect; the matched one is near 3.2.
    assert found.raw_ratio > found.matched_ratio
    assert found.matched_ratio == pytest.approx(truth, rel=0.35)
    low, high = found.matched_ratio_interval
    assert low < truth < high
    # Balance: the matches are alike in prior spend (standardised difference well under
    # a quarter of a standard deviation, the usual threshold).
    assert abs(found.balance[0][2]) < 0.25


def test_large_groups_are_compared_through_random_samples_that_still_find_the_effect(monkeypatch, client):
    monkeypatch.setattr(effects, "MAX_GROUP", 80)
    monkeypatch.setattr(effects, "CANDIDATES", 160)
    monkeypatch.setattr(effects, "CHUNK", 50)  # and the history is read in several queries
    members, seated = community(500, 0.3, seed=7)
    found = effects.compare(("committee",), end=END, bootstrap=200)
    assert found.population == (len(seated), len(members) - len(seated))
    assert found.treated == 80 and found.controls == 80
    truth = simulation.RATE_EFFECT * simulation.SPEND_EFFECT
    low, high = found.matched_ratio_interval
    assert low < truth < high
    # The same sample each time: the schedule's figure does not wander between runs.
    assert effects.compare(("committee",), end=END, bootstrap=200) == found
    estimating.estimate(("committee",), end=END)
    client.force_login(operator())
    page = client.get("/insights/effects/", {"kinds": ["committee"]}).content.decode()
    assert 'data-testid="sampled"' in page and f"{len(seated)} members did it" in page


def test_the_schedule_stores_every_kind_and_the_co_creation_definition():
    community(60, 0.3, seed=2)
    count = estimating.refresh_estimates()
    assert count == 8  # seven kinds and the default co-creation
    assert InteractionEstimate.objects.count() == 9  # and the NPS gap
    stored = InteractionEstimate.objects.get(key=key_of(CO_CREATION))
    assert stored.treated == 18 and stored.result["matched_ratio_interval"]
    assert InteractionEstimate.objects.get(key="vote").result == {}  # nobody voted: nothing to compare


def test_only_operators_and_the_founder_ask_for_a_computation(django_capture_on_commit_callbacks):
    with pytest.raises(Forbidden):
        services.estimates_request(actor=engineer(), kinds=["committee"])
    with pytest.raises(ValidationFailed):
        services.estimates_request(actor=operator(), kinds=["committee", "astrology"])
    with pytest.raises(ValidationFailed):
        services.estimates_request(actor=operator(), kinds=[])
    boss = operator()
    with django_capture_on_commit_callbacks(execute=True):
        services.estimates_request(actor=boss, kinds=["post", "vote"])
    assert InteractionEstimate.objects.filter(key="post+vote").exists()
    assert AuditEntry.objects.filter(actor=boss, action="insights.estimates.requested").exists()


def test_the_report_page_shows_raw_and_matched_with_their_intervals(client):
    community(60, 0.3, seed=3)
    estimating.refresh_estimates()
    boss = operator()
    client.force_login(boss)
    page = client.get("/insights/effects/").content.decode()
    stored = InteractionEstimate.objects.get(key=key_of(CO_CREATION)).result
    assert f"{stored['raw_ratio']:.2f}×" in page and f"{stored['matched_ratio']:.2f}×" in page
    assert 'data-testid="balance"' in page
    bad = client.get("/insights/effects/", {"kinds": ["astrology"]})
    assert bad.status_code == 422


def test_the_nps_gap_of_co_creators_is_recovered_raw_and_matched():
    from fanrepublic.insights.models import Survey, SurveyResponse

    rng = np.random.default_rng(8)
    members, seated = community(240, 0.3, seed=8)
    survey = Survey.objects.create(title="Q", question="Recommend?", created_by=operator())
    answered = moment(END - timedelta(days=10))
    rows = [
        SurveyResponse(
            survey=survey,
            member=member,
            score=simulation.nps_score(rng, member.pk in seated),
            was_co_creator=member.pk in seated,
            created_at=answered,
        )
        for member in members
    ]
    SurveyResponse.objects.bulk_create(rows)
    found = effects.nps_comparison(end=END, bootstrap=300)
    assert found.treated == len(seated) == 72 and found.controls == 168
    # Put in: 58 points (68 % − 10 % against 30 % − 30 %), whoever the co-creators were.
    assert found.raw_difference_interval[0] < 58 < found.raw_difference_interval[1]
    assert found.matched_difference_interval[0] < 58 < found.matched_difference_interval[1]
    assert found.raw_difference > 30 and found.matched_difference > 30


def test_too_few_named_answers_give_no_nps_gap():
    assert effects.nps_comparison(end=END) is None
