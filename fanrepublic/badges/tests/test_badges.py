"""Badges: automatic criteria from member data and the event log, manual grants,
the profile showcase, the gallery and the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.activity.services import record_event
from fanrepublic.badges.criteria import criteria_validate
from fanrepublic.badges.models import MemberBadge
from fanrepublic.badges.services import badge_grant, badges_evaluate
from fanrepublic.badges.tests.factories import BadgeFactory
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.models import MemberStats
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator

pytestmark = pytest.mark.django_db


def test_geek_elder_needs_five_years_and_fifty_accepted_suggestions():
    elder = BadgeFactory(slug="geek-elder", criteria={"member_days": 1825, "suggestions_accepted": 50})
    veteran = MemberFactory(date_joined=timezone.now() - timedelta(days=6 * 365))
    MemberStats.objects.create(member=veteran, suggestions_accepted=50)
    young = MemberFactory()
    MemberStats.objects.create(member=young, suggestions_accepted=80)
    old_but_quiet = MemberFactory(date_joined=timezone.now() - timedelta(days=6 * 365))
    assert badges_evaluate() == 1
    assert badges_evaluate() == 0  # idempotent
    assert list(MemberBadge.objects.values_list("member", flat=True)) == [veteran.pk]
    assert Event.objects.filter(verb="badges.badge.granted", owner=veteran).count() == 1
    assert not young.badges.exists() and not old_but_quiet.badges.exists()
    assert elder.holders.count() == 1


def test_event_count_criteria_are_evaluated_when_the_event_happens(on_commit):
    BadgeFactory(slug="bug-hunter", criteria={"events": {"bounty.report.valid": 2}})
    hunter = MemberFactory()
    with on_commit():
        record_event(verb="bounty.report.valid", actor=operator(), owner=hunter)
    assert not hunter.badges.exists()
    with on_commit():
        record_event(verb="bounty.report.valid", actor=operator(), owner=hunter)
    assert hunter.badges.get().badge.slug == "bug-hunter"


def test_trust_level_criterion_follows_recomputation(on_commit):
    BadgeFactory(slug="regular", criteria={"trust_level": 3})
    member = MemberFactory()
    from fanrepublic.members.services import trust_level_set

    with on_commit():
        trust_level_set(actor=operator(), member=member, level=3, reason="known expert")
        record_event(verb="member.trust_level.changed", obj=member, owner=member)
    assert member.badges.filter(badge__slug="regular").exists()


def test_manual_grant_is_audited_once():
    badge = BadgeFactory(slug="orange-knight")
    member, op = MemberFactory(), operator()
    badge_grant(actor=op, member=member, badge=badge, reason="Organised the Beijing meetup")
    with pytest.raises(Conflict):
        badge_grant(actor=op, member=member, badge=badge, reason="again")
    assert AuditEntry.objects.filter(action="badges.granted").count() == 1


@pytest.mark.parametrize("make", [MemberFactory, engineer])
def test_only_operators_grant(make):
    with pytest.raises(Forbidden):
        badge_grant(actor=make(), member=MemberFactory(), badge=BadgeFactory(), reason="x")


def test_grant_needs_a_reason():
    with pytest.raises(ValidationFailed):
        badge_grant(actor=operator(), member=MemberFactory(), badge=BadgeFactory(), reason=" ")


@pytest.mark.parametrize(
    "criteria", [[1], {"unknown": 1}, {"trust_level": "3"}, {"events": {"x.y": 0}}, {"trust_level": True}]
)
def test_bad_criteria_are_refused(criteria):
    with pytest.raises(ValidationFailed):
        criteria_validate(criteria)


def test_showcase_gallery_and_api(client):
    badge = BadgeFactory(slug="orange-knight", name="Orange Knight", name_zh="橙色骑士", icon="骑")
    hidden = BadgeFactory(slug="staff-only", is_visible=False)
    member = MemberFactory()
    MemberBadge.objects.create(member=member, badge=badge, reason="meetup")
    MemberBadge.objects.create(member=member, badge=hidden)
    html = client.get(
        reverse("members:profile", args=[member.username]), HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content
    assert "橙色骑士" in html.decode() and hidden.name not in html.decode()
    assert "1 holder" in client.get(reverse("badges:gallery")).content.decode()
    assert client.get("/api/v1/badges").json()[0]["holders"] == 1
    assert [b["badge"] for b in client.get(f"/api/v1/members/{member.username}/badges").json()] == [
        "orange-knight"
    ]


def test_grant_from_the_profile_page(client):
    badge = BadgeFactory()
    member = MemberFactory()
    client.force_login(MemberFactory())
    assert (
        client.post(
            reverse("badges:grant", args=[member.username]), {"badge": badge.pk, "reason": "x"}
        ).status_code
        == 404
    )
    client.force_login(operator())
    client.post(
        reverse("badges:grant", args=[member.username]), {"badge": badge.pk, "reason": "Great bug reports"}
    )
    assert member.badges.get().reason == "Great bug reports"


def test_staff_badge_grant_api(client):
    from fanrepublic.members.services import api_token_create

    badge = BadgeFactory(slug="meetup-host")
    member = MemberFactory()
    _t, op_secret = api_token_create(owner=operator(), name="t", scopes=["read", "write"])
    _t, fan_secret = api_token_create(owner=MemberFactory(), name="t", scopes=["read", "write"])
    payload = {"member": member.username, "badge": badge.slug, "reason": "Hosted the Shenzhen meetup"}
    assert (
        client.post(
            "/api/v1/badges/grants",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {fan_secret}",
        ).status_code
        == 404
    )
    response = client.post(
        "/api/v1/badges/grants",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {op_secret}",
    )
    assert response.status_code == 201 and response.json()["badge"] == "meetup-host"
    again = client.post(
        "/api/v1/badges/grants",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {op_secret}",
    )
    assert again.status_code == 409
