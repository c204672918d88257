"""The needs backlog end to end: raise, support once, shortlist by the committee, put on a
quarterly agenda, record minutes and decisions, trace what happened next — shown on the
need's page — with every permission and bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.committees import services
from fanrepublic.committees.enums import NeedStatus
from fanrepublic.committees.tests.factories import CommitteeFactory, NeedFactory, SeatFactory
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.releases.tests.factories import ReleaseFactory, ReleaseItemFactory

pytestmark = pytest.mark.django_db


def committee_with_member():
    committee = CommitteeFactory()
    seat = SeatFactory(committee=committee, election__committee=committee)
    return committee, seat.member


def test_raising_and_supporting_a_need():
    committee = CommitteeFactory()
    fan = MemberFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.need_raise(member=fan, product_line=committee.product_line, title="Hi", body="x")
    assert {"title", "body"} <= set(exc.value.errors)
    need = services.need_raise(
        member=fan,
        product_line=committee.product_line,
        title="Filter pet hair",
        body="The purifier clogs with cat hair within a week.",
    )
    supporter = MemberFactory()
    assert services.need_support(member=supporter, need=need, support=True) == 1
    assert services.need_support(member=supporter, need=need, support=True) == 1  # once
    assert services.need_support(member=supporter, need=need, support=False) == 0
    assert services.need_support(member=supporter, need=need, support=False) == 0


def test_from_backlog_to_a_decision_traced_to_a_release():
    committee, sitting = committee_with_member()
    need = NeedFactory(product_line=committee.product_line)
    outsider = MemberFactory()
    with pytest.raises(Forbidden):
        services.need_shortlist(actor=outsider, need=need)
    services.need_shortlist(actor=sitting, need=need)
    with pytest.raises(Conflict):
        services.need_shortlist(actor=sitting, need=need)
    meeting = services.meeting_schedule(
        actor=sitting, committee=committee, quarter="2026 Q4", scheduled_at=timezone.now() + timedelta(days=7)
    )
    with pytest.raises(ValidationFailed):
        services.agenda_add(actor=sitting, meeting=meeting, need=NeedFactory())  # another product
    services.agenda_add(actor=sitting, meeting=meeting, need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.ON_AGENDA
    with pytest.raises(Conflict):  # minutes first
        services.decision_record(actor=sitting, meeting=meeting, need=need, text="Build it")
    with pytest.raises(ValidationFailed):
        services.meeting_record(actor=sitting, meeting=meeting, minutes="")
    services.meeting_record(actor=sitting, meeting=meeting, minutes="**Present:** all five members.")
    with pytest.raises(ValidationFailed):  # a release follow-up names the item
        services.decision_record(
            actor=sitting, meeting=meeting, need=need, text="Build it", follow_up="release"
        )
    decision = services.decision_record(
        actor=sitting, meeting=meeting, need=need, text="Add a pre-filter for pet hair", follow_up="pending"
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.DECIDED
    item = ReleaseItemFactory(
        release=ReleaseFactory(
            product_line=committee.product_line, status="published", published_at=timezone.now()
        ),
        title="Pet-hair pre-filter",
    )
    services.decision_trace(actor=operator(), decision=decision, follow_up="release", release_item=item)
    decision.refresh_from_db()
    assert decision.release_item == item


def test_the_need_page_shows_the_whole_trace(client):
    committee, sitting = committee_with_member()
    need = NeedFactory(product_line=committee.product_line)
    services.need_shortlist(actor=sitting, need=need)
    meeting = services.meeting_schedule(
        actor=sitting, committee=committee, quarter="2026 Q4", scheduled_at=timezone.now()
    )
    services.agenda_add(actor=sitting, meeting=meeting, need=need)
    services.meeting_record(actor=sitting, meeting=meeting, minutes="Held.")
    item = ReleaseItemFactory(
        release=ReleaseFactory(
            product_line=committee.product_line,
            version="3.1.0",
            status="published",
            published_at=timezone.now(),
        )
    )
    services.decision_record(
        actor=sitting,
        meeting=meeting,
        need=need,
        text="Ship a pre-filter",
        follow_up="release",
        release_item=item,
    )
    page = client.get(reverse("committees:need", args=[committee.slug, need.pk])).content.decode()
    assert "2026 Q4" in page and "Ship a pre-filter" in page and "3.1.0" in page


def test_pages_raise_support_and_plan(client):
    committee, sitting = committee_with_member()
    fan = MemberFactory()
    client.force_login(fan)
    client.post(reverse("committees:needs", args=[committee.slug]), {"title": "x", "body": "y"})
    assert not committee.product_line.needs.exists()
    client.post(
        reverse("committees:needs", args=[committee.slug]),
        {"title": "Filter pet hair", "body": "The purifier clogs with cat hair."},
    )
    need = committee.product_line.needs.get()
    client.post(reverse("committees:need", args=[committee.slug, need.pk]), {"support": "1"})
    need.refresh_from_db()
    assert need.support_count == 1
    client.post(reverse("committees:need", args=[committee.slug, need.pk]), {"action": "shortlist"})
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN  # not a committee member
    assert (
        client.post(reverse("committees:plan", args=[committee.slug]), {"action": "schedule"}).status_code
        == 404
    )
    client.force_login(sitting)
    client.post(reverse("committees:need", args=[committee.slug, need.pk]), {"action": "shortlist"})
    need.refresh_from_db()
    assert need.status == NeedStatus.SHORTLISTED
    client.post(
        reverse("committees:plan", args=[committee.slug]),
        {"action": "schedule", "quarter": "2027 Q1", "scheduled_at": "2027-01-15T10:00"},
    )
    meeting = committee.meetings.get()
    client.post(
        reverse("committees:plan", args=[committee.slug]),
        {"action": "agenda", "meeting": meeting.pk, "need": need.pk},
    )
    assert list(meeting.agenda.all()) == [need]


def test_the_api_raises_supports_and_shortlists(client):
    from fanrepublic.members.services import api_token_create

    committee, sitting = committee_with_member()

    def bearer(user):
        _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    fan = MemberFactory()
    base = f"/api/v1/committees/{committee.slug}/needs"
    bad = client.post(base, {"title": "x", "body": "y"}, "application/json", **bearer(fan))
    assert bad.status_code == 422
    created = client.post(
        base, {"title": "Filter pet hair", "body": "Cat fur clogs it."}, "application/json", **bearer(fan)
    )
    assert created.status_code == 201
    nid = created.json()["id"]
    assert client.put(f"{base}/{nid}/support", **bearer(MemberFactory())).json() == {"supporters": 1}
    assert client.post(f"{base}/{nid}/shortlist", **bearer(fan)).status_code == 404
    assert client.post(f"{base}/{nid}/shortlist", **bearer(sitting)).json()["status"] == "shortlisted"
    listed = client.get(f"/api/v1/committees/{committee.slug}").json()
    assert listed["members"][0]["member"] == sitting.username
