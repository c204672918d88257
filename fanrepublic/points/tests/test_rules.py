"""Earning rules: events turn into points for the right member, once, within caps."""

import pytest
from django.urls import reverse

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.forum import services as forum
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.points import services
from fanrepublic.points.models import EarningRule, Transaction
from fanrepublic.points.rules import rule_save, rule_validate, rules_apply_event
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.points.tests.factories import EarningRuleFactory

pytestmark = pytest.mark.django_db


def balance(member):
    return services.wallet_for(member).balance_minor


def test_a_shipped_suggestion_pays_its_author_through_the_event_log(on_commit):
    EarningRuleFactory(verb="forum.topic.accepted", points=1000)
    author = MemberFactory()
    topic = forum.topic_create(
        author=author,
        board=BoardFactory(),
        kind="suggestion",
        title="Game do-not-disturb mode",
        body="Please",
    )
    eng = engineer()
    with on_commit():
        forum.topic_status_change(actor=eng, topic=topic, status="planned", note="Next train")
        forum.topic_status_change(actor=eng, topic=topic, status="shipped", note="In 2.1")
    assert balance(author) == 1000  # accepted once, however many accepted statuses
    assert balance(eng) == 0
    tx = Transaction.objects.get(kind="earn")
    assert tx.source_event_id is not None and tx.object_type == "points.earningrule"
    assert ledger_problems() == []


def test_property_match_and_no_points_for_own_content():
    rule = EarningRuleFactory(verb="bounty.report.valid", points=500, match_properties={"severity": "high"})
    reporter, triager = MemberFactory(), operator()
    high, _ = record_event(
        verb="bounty.report.valid", actor=triager, owner=reporter, properties={"severity": "high"}
    )
    low, _ = record_event(
        verb="bounty.report.valid", actor=triager, owner=reporter, properties={"severity": "low"}
    )
    own, _ = record_event(
        verb="bounty.report.valid", actor=reporter, owner=reporter, properties={"severity": "high"}
    )
    assert len(rules_apply_event(event=high)) == 1
    assert rules_apply_event(event=low) == [] and rules_apply_event(event=own) == []
    assert rules_apply_event(event=high)[0].idempotency_key == f"rule:{rule.pk}:event:{high.pk}"
    assert balance(reporter) == 500


def test_daily_and_monthly_caps():
    EarningRuleFactory(verb="betas.report.approved", points=200, daily_cap=2, monthly_cap=3)
    tester, lead = MemberFactory(), operator()
    for _ in range(5):
        event, _ = record_event(verb="betas.report.approved", actor=lead, owner=tester)
        rules_apply_event(event=event)
    assert balance(tester) == 400

    other = MemberFactory()
    event, _ = record_event(verb="betas.report.approved", actor=lead, owner=other)
    rules_apply_event(event=event)
    assert balance(other) == 200


def test_kill_switch(on_commit):
    rule = EarningRuleFactory(verb="bounty.report.valid", points=500)
    rule.is_active = False
    rule.save()
    reporter = MemberFactory()
    with on_commit():
        record_event(verb="bounty.report.valid", actor=operator(), owner=reporter)
    assert balance(reporter) == 0


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"verb": "forum.reply.created", "points": 50, "daily_cap": 5}, "points"),
        ({"verb": "forum.reply.created", "points": 2}, "daily_cap"),
        ({"verb": "Not a verb", "points": 2}, "verb"),
        ({"verb": "bounty.report.valid", "points": 5, "daily_cap": 5, "monthly_cap": 2}, "monthly_cap"),
    ],
)
def test_rules_that_invite_gaming_are_refused(fields, field):
    with pytest.raises(ValidationFailed) as exc:
        rule_validate(EarningRule(name="x", **fields))
    assert field in exc.value.errors


def test_raw_activity_rule_with_small_points_and_cap_is_fine():
    rule_validate(EarningRule(name="Helpful reply", verb="forum.reply.liked", points=2, daily_cap=10))


def test_spending_points_never_touches_reputation_or_trust():
    fan = MemberFactory(reputation=40, trust_level=3)
    services.points_award(member=fan, points=100, key="a", memo="a")
    services.points_spend(member=fan, points=100, key="s", memo="s")
    fan.refresh_from_db()
    assert fan.reputation == 40 and fan.trust_level == 3


def test_admin_refuses_a_gameable_rule(client):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:points_earningrule_add"),
        {
            "name": "Post a lot",
            "name_zh": "",
            "verb": "forum.reply.created",
            "points": 500,
            "match_properties": "{}",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and not EarningRule.objects.exists()
    assert "judged outcomes" in response.content.decode()


class TestRulesStaff:
    def test_operator_creates_and_switches_rules_on_the_page(self, client):
        client.force_login(operator())
        response = client.post(
            reverse("points:rules"),
            {
                "name": "Test report approved",
                "verb": "betas.report.approved",
                "points": 200,
                "daily_cap": 5,
                "match_properties": "{}",
                "pays_platform_events": "on",
            },
        )
        assert response.status_code == 302
        rule = EarningRule.objects.get()
        client.post(reverse("points:rules"), {"toggle": rule.pk})
        rule.refresh_from_db()
        assert not rule.is_active
        from fanrepublic.core.models import AuditEntry

        assert AuditEntry.objects.filter(action="points.rule.saved").count() == 2

    def test_gameable_rule_is_refused_on_the_page(self, client):
        client.force_login(operator())
        response = client.post(
            reverse("points:rules"),
            {"name": "Spam", "verb": "forum.reply.created", "points": 100, "match_properties": "{}"},
        )
        assert response.status_code == 422 and not EarningRule.objects.exists()

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_others_get_404(self, client, make):
        client.force_login(make())
        assert client.get(reverse("points:rules")).status_code == 404

    def test_rules_api(self, client):
        from fanrepublic.members.services import api_token_create

        _t, secret = api_token_create(owner=operator(), name="t", scopes=["read", "write"])
        h = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        created = client.post(
            "/api/v1/points/rules",
            {"name": "Valid bug", "verb": "bounty.report.valid", "points": 500},
            content_type="application/json",
            **h,
        )
        assert created.status_code == 201
        rule_id = created.json()["id"]
        assert (
            client.patch(
                f"/api/v1/points/rules/{rule_id}", {"is_active": False}, content_type="application/json", **h
            ).json()["is_active"]
            is False
        )
        assert len(client.get("/api/v1/points/rules", **h).json()) == 1
        bad = client.post(
            "/api/v1/points/rules",
            {"name": "x", "verb": "forum.topic.read", "points": 99},
            content_type="application/json",
            **h,
        )
        assert bad.status_code == 422 and "points" in bad.json()["error"]["fields"]
        _t2, member_secret = api_token_create(owner=MemberFactory(), name="t", scopes=["read", "write"])
        assert (
            client.get("/api/v1/points/rules", HTTP_AUTHORIZATION=f"Bearer {member_secret}").status_code
            == 404
        )

    @pytest.mark.parametrize("field", ["is_active", "points", "pays_platform_events", "trusted_integrations"])
    def test_null_for_a_required_value_is_a_422_and_changes_nothing(self, client, field):
        # The penetration test: PATCH {"is_active": null} answered 500 (NotNullViolation).
        from fanrepublic.members.services import api_token_create

        rule = EarningRule.objects.create(name="r", verb="bounty.report.valid", points=500)
        _t, secret = api_token_create(owner=operator(), name="t", scopes=["read", "write"])
        response = client.patch(
            f"/api/v1/points/rules/{rule.pk}",
            {field: None},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert response.status_code == 422 and field in response.json()["error"]["fields"]
        rule.refresh_from_db()
        assert rule.is_active and rule.points == 500 and rule.pays_platform_events

    def test_null_removes_a_cap(self, client):
        from fanrepublic.members.services import api_token_create

        rule = EarningRule.objects.create(name="r", verb="bounty.report.valid", points=500, daily_cap=3)
        _t, secret = api_token_create(owner=operator(), name="t", scopes=["read", "write"])
        response = client.patch(
            f"/api/v1/points/rules/{rule.pk}",
            {"daily_cap": None},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert response.status_code == 200 and response.json()["daily_cap"] is None

    def test_a_rule_on_an_undeclared_verb_is_refused(self):
        with pytest.raises(ValidationFailed) as exc:
            rule_save(
                actor=operator(), rule=None, data={"name": "x", "verb": "forum.topic.teleported", "points": 1}
            )
        assert "verb" in exc.value.errors

    def test_a_platform_verb_cannot_trust_an_integration(self):
        from fanrepublic.activity.tests.factories import IntegrationFactory

        store = IntegrationFactory()
        with pytest.raises(ValidationFailed) as exc:
            rule_save(
                actor=operator(),
                rule=None,
                data={
                    "name": "x",
                    "verb": "bounty.report.valid",
                    "points": 1,
                    "trusted_integrations": [store.slug],
                },
            )
        assert "trusted_integrations" in exc.value.errors
