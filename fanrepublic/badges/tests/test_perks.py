"""Perks: badges required, points paid, places never oversold, bound unless an operator
allowed transfer, and every transfer explicit and audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.badges.models import MemberBadge, PerkTransfer
from fanrepublic.badges.perks import PerkUnavailable, perk_claim, perk_transfer
from fanrepublic.badges.tests.factories import BadgeFactory, PerkFactory
from fanrepublic.core.errors import Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.points import services as points
from fanrepublic.points.errors import InsufficientBalance

pytestmark = pytest.mark.django_db


def knight(**kwargs):
    member = MemberFactory(**kwargs)
    MemberBadge.objects.create(member=member, badge=BadgeFactory(slug="orange-knight"))
    return member


def test_claim_needs_the_badges_and_pays_points():
    perk = PerkFactory(price_points=500)
    perk.required_badges.add(BadgeFactory(slug="orange-knight"))
    with pytest.raises(Forbidden):
        perk_claim(member=MemberFactory(), perk=perk)
    member = knight()
    with pytest.raises(InsufficientBalance):
        perk_claim(member=member, perk=perk)
    perk.refresh_from_db()
    assert perk.remaining == 3
    points.points_award(member=member, points=600, key="a", memo="a")
    claim = perk_claim(member=member, perk=perk)
    perk.refresh_from_db()
    assert claim.holder == member and perk.remaining == 2 and points.wallet_for(member).balance_minor == 100
    with pytest.raises(PerkUnavailable):
        perk_claim(member=member, perk=perk)


def test_past_and_full_perks():
    with pytest.raises(PerkUnavailable):
        perk_claim(member=MemberFactory(), perk=PerkFactory(happens_at=timezone.now() - timedelta(days=1)))
    full = PerkFactory(quantity=1)
    perk_claim(member=MemberFactory(), perk=full)
    with pytest.raises(PerkUnavailable):
        perk_claim(member=MemberFactory(), perk=full)


def test_bound_perk_cannot_be_handed_on():
    perk = PerkFactory(transferable=False)
    claim = perk_claim(member=(holder := MemberFactory()), perk=perk)
    with pytest.raises(Forbidden):
        perk_transfer(holder=holder, claim=claim, to_member=MemberFactory())


def test_transferable_perk_is_handed_on_explicitly_and_audited():
    perk = PerkFactory(transferable=True, name="Test drive SU7")
    holder, friend = MemberFactory(), MemberFactory()
    claim = perk_claim(member=holder, perk=perk)
    with pytest.raises(NotFound):
        perk_transfer(holder=friend, claim=claim, to_member=holder)
    with pytest.raises(ValidationFailed):
        perk_transfer(holder=holder, claim=claim, to_member=holder)
    perk_transfer(holder=holder, claim=claim, to_member=friend, note="I cannot make it")
    claim.refresh_from_db()
    assert claim.holder == friend and claim.claimed_by == holder
    assert PerkTransfer.objects.get().to_member == friend
    assert AuditEntry.objects.filter(action="badges.perk.transferred").exists()


def test_pages_and_api(client):
    PerkFactory(slug="vip-seat", transferable=True)
    member, friend = MemberFactory(language="zh-hans"), MemberFactory()
    assert (
        "与创始人共进午餐"
        in client.get(reverse("badges:perks"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    )
    client.force_login(member)
    client.post(reverse("badges:perk_claim", args=["vip-seat"]))
    claim = member.perk_claims.get()
    client.post(reverse("badges:perk_transfer", args=[claim.pk]), {"to": friend.username, "note": "enjoy"})
    claim.refresh_from_db()
    assert claim.holder == friend
    _t, secret = api_token_create(owner=friend, name="t", scopes=["read", "write"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/perks").json()[0]["slug"] == "vip-seat"
    response = client.post(
        f"/api/v1/perks/places/{claim.pk}/transfer",
        {"to": member.username},
        content_type="application/json",
        **headers,
    )
    assert response.json()["holder"] == member.username
    other = PerkFactory(slug="lunch")
    assert client.post("/api/v1/perks/lunch/claim", **headers).status_code == 201
    assert client.post("/api/v1/perks/lunch/claim", **headers).status_code == 409
    assert other.claims.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_places_go_to_exactly_that_many_members():
    perk = PerkFactory(quantity=2)
    members = [MemberFactory() for _ in range(8)]
    results, errors = run_concurrently(lambda m: perk_claim(member=m, perk=perk), [(m,) for m in members])
    perk.refresh_from_db()
    assert len(results) == 2 and perk.remaining == 0 and perk.claims.count() == 2
    assert all(isinstance(e, PerkUnavailable) for e in errors)


def test_perk_holders_for_staff_only(client):
    from fanrepublic.members.tests.factories import operator

    perk = PerkFactory(slug="launch-seat")
    perk_claim(member=(member := MemberFactory()), perk=perk)
    _t, op_secret = api_token_create(owner=operator(), name="t", scopes=["read", "write"])
    _t, fan_secret = api_token_create(owner=MemberFactory(), name="t", scopes=["read", "write"])
    assert (
        client.get("/api/v1/perks/launch-seat/holders", HTTP_AUTHORIZATION=f"Bearer {fan_secret}").status_code
        == 404
    )
    rows = client.get("/api/v1/perks/launch-seat/holders", HTTP_AUTHORIZATION=f"Bearer {op_secret}").json()
    assert [r["holder"] for r in rows] == [member.username]


def test_guest_list_page_for_staff_only(client):
    from fanrepublic.members.tests.factories import operator

    perk = PerkFactory(slug="founder-lunch", transferable=True)
    holder, friend = MemberFactory(), MemberFactory()
    claim = perk_claim(member=holder, perk=perk)
    perk_transfer(holder=holder, claim=claim, to_member=friend, note="sick")
    client.force_login(MemberFactory())
    assert client.get(reverse("badges:perk_holders", args=["founder-lunch"])).status_code == 404
    client.force_login(operator())
    html = client.get(reverse("badges:perk_holders", args=["founder-lunch"])).content.decode()
    assert f"@{friend.username}" in html and f"{holder.username} → {friend.username}" in html
