"""Committee pages: members see who sits and who stands; members stand from the
election page; organisers run the election; nobody else can."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.committees.enums import ElectionStatus
from fanrepublic.committees.models import Candidacy, Election
from fanrepublic.committees.tests.factories import (
    CandidacyFactory,
    CommitteeFactory,
    ElectionFactory,
    SeatFactory,
)
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator

pytestmark = pytest.mark.django_db
STATEMENT = "I will bring the voice of night-shift photographers to the committee."


def test_the_committee_page_lists_current_members(client):
    seat = SeatFactory(member=MemberFactory(display_name="Night Owl"))
    SeatFactory(
        election=seat.election, left_on=timezone.localdate(), member=MemberFactory(display_name="Gone Away")
    )
    page = client.get(seat.committee.get_absolute_url()).content.decode()
    assert "Night Owl" in page and "Gone Away" not in page
    assert "Night Owl" in client.get(reverse("committees:index")).content.decode()


def test_a_member_stands_from_the_election_page(client):
    election = ElectionFactory()
    fan = MemberFactory(trust_level=3)
    client.force_login(fan)
    client.post(
        reverse("committees:stand", args=[election.committee.slug, election.pk]), {"statement": "short"}
    )
    assert not Candidacy.objects.exists()
    client.post(
        reverse("committees:stand", args=[election.committee.slug, election.pk]), {"statement": STATEMENT}
    )
    assert Candidacy.objects.get().member == fan
    page = client.get(election.get_absolute_url()).content.decode()
    assert 'data-testid="candidate"' in page and "You are standing." in page


def test_an_ineligible_member_sees_why(client):
    election = ElectionFactory()
    client.force_login(MemberFactory(trust_level=0))
    assert 'data-testid="not-eligible"' in client.get(election.get_absolute_url()).content.decode()


def test_organisers_open_and_start_an_election_from_the_pages(client):
    committee = CommitteeFactory()
    client.force_login(operator())
    now = timezone.localtime()
    action = reverse("committees:action", args=[committee.slug])
    client.post(
        action,
        {"action": "open", "seats_to_fill": "2", "candidacy_closes_at": "not a date", "voting_closes_at": ""},
    )
    assert not Election.objects.exists()
    client.post(
        action,
        {
            "action": "open",
            "seats_to_fill": "2",
            "candidacy_closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "voting_closes_at": (now + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    election = Election.objects.get()
    for _ in range(3):
        CandidacyFactory(election=election)
    Election.objects.filter(pk=election.pk).update(candidacy_closes_at=timezone.now() - timedelta(minutes=1))
    client.post(action, {"action": "voting", "election": election.pk})
    election.refresh_from_db()
    assert election.status == ElectionStatus.VOTING and election.vote.options.count() == 3


@pytest.mark.parametrize("role", [None, engineer])
def test_only_organisers_run_elections(client, role):
    committee = CommitteeFactory()
    client.force_login(role() if role else MemberFactory())
    response = client.post(reverse("committees:action", args=[committee.slug]), {"action": "open"})
    assert response.status_code == 404 and not Election.objects.exists()


def test_pages_in_chinese(client):
    committee = CommitteeFactory()
    page = client.get(committee.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "橙子手机用户委员会" in page and "用户联邦" in page


def test_standing_through_the_api_checks_eligibility_and_the_statement(client):
    from fanrepublic.members.services import api_token_create

    election = ElectionFactory()
    url = f"/api/v1/committees/{election.committee.slug}/elections/{election.pk}/candidacies"

    def bearer(user):
        _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    assert client.post(url, {"statement": STATEMENT}, "application/json").status_code == 401
    low = client.post(
        url, {"statement": STATEMENT}, "application/json", **bearer(MemberFactory(trust_level=0))
    )
    assert low.status_code == 403 and low.json()["error"]["code"] == "not_eligible"
    fan = MemberFactory(trust_level=3)
    short = client.post(url, {"statement": "short"}, "application/json", **bearer(fan))
    assert short.status_code == 422 and "statement" in short.json()["error"]["fields"]
    assert not Candidacy.objects.exists()
    assert client.post(url, {"statement": STATEMENT}, "application/json", **bearer(fan)).status_code == 201
    assert client.post(url, {"statement": STATEMENT}, "application/json", **bearer(fan)).status_code == 409
