"""The wallet page, CSV export, the operators' adjustment page and the points API."""

import pytest
from django.urls import reverse

from fanrepublic.core.csvexport import restore
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.tests.csvcheck import OWASP_PAYLOADS, assert_csv_safe
from fanrepublic.forum.tests.factories import TopicFactory
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.points import services

pytestmark = pytest.mark.django_db
API = "/api/v1/points"


def bearer(user):
    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestWalletPage:
    def test_shows_balance_history_and_links_to_what_earned_it(self, client):
        fan = MemberFactory()
        topic = TopicFactory(author=fan)
        services.points_award(member=fan, points=1000, key="a", memo="Suggestion shipped", obj=topic)
        services.points_spend(member=fan, points=300, key="s", memo="Orange Band voucher")
        client.force_login(fan)
        html = client.get(reverse("points:wallet")).content.decode()
        assert 'data-testid="balance">700<' in html
        assert (
            f'href="{topic.get_absolute_url()}">Suggestion shipped' in html and "Orange Band voucher" in html
        )

    def test_csv_export(self, client):
        fan = MemberFactory()
        services.points_award(member=fan, points=42, key="a", memo="Valid bug, 中文")
        client.force_login(fan)
        response = client.get(reverse("points:wallet_csv"))
        body = b"".join(response.streaming_content).decode()
        assert response["Content-Type"].startswith("text/csv") and "42" in body and "Valid bug, 中文" in body

    def test_csv_export_runs_no_formula_and_keeps_amounts_as_numbers(self, client):
        # Given memos that are OWASP's payloads and a deduction of 200 points
        fan = MemberFactory()
        for i, payload in enumerate(OWASP_PAYLOADS):
            services.points_award(member=fan, points=100, key=f"p{i}", memo=payload)
        services.points_adjust(actor=operator(), member=fan, points=-200, reason="=1+1 refund", key="d")
        client.force_login(fan)
        # When the member downloads their history
        rows = assert_csv_safe(client.get(reverse("points:wallet_csv")))
        # Then no cell runs as a formula, the memos read back as typed, -200 is a number
        header, data = rows[0], rows[1:]
        assert header == ["Date", "Points", "Kind", "Reason", "Transaction"]
        assert data[0][1:4] == ["-200", "manual", "'=1+1 refund"]
        assert [restore(row[3]) for row in reversed(data[1:])] == OWASP_PAYLOADS
        assert sum(int(row[1]) for row in data) == 100 * len(OWASP_PAYLOADS) - 200

    def test_wallet_needs_sign_in(self, client):
        assert client.get(reverse("points:wallet")).status_code == 302

    def test_chinese_wallet(self, client):
        client.force_login(MemberFactory(language="zh-hans"))
        assert "爆米花积分" in client.get(reverse("points:wallet")).content.decode()


class TestAdjustmentPage:
    def test_operator_grants_with_reason(self, client):
        fan = MemberFactory()
        client.force_login(operator())
        page = client.get(reverse("points:member_wallet", args=[fan.username]))
        key = page.context["form"].initial["key"]
        data = {"points": 200, "reason": "Meetup volunteer", "key": key}
        client.post(reverse("points:member_wallet", args=[fan.username]), data)
        client.post(reverse("points:member_wallet", args=[fan.username]), data)  # double submit
        assert services.wallet_for(fan).balance_minor == 200
        assert AuditEntry.objects.filter(action="points.adjusted").count() == 1

    def test_deduction_below_zero_is_refused_in_the_form(self, client):
        fan = MemberFactory()
        client.force_login(operator())
        response = client.post(
            reverse("points:member_wallet", args=[fan.username]), {"points": -5, "reason": "x", "key": "k"}
        )
        assert response.status_code == 409 and "Not enough points" in response.content.decode()
        assert services.wallet_for(fan).balance_minor == 0

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_others_get_404(self, client, make):
        fan = MemberFactory()
        client.force_login(make())
        assert client.get(reverse("points:member_wallet", args=[fan.username])).status_code == 404
        assert (
            client.post(
                reverse("points:member_wallet", args=[fan.username]), {"points": 5, "reason": "x", "key": "k"}
            ).status_code
            == 404
        )


class TestPointsApi:
    def test_wallet_and_history(self, client):
        fan = MemberFactory()
        services.points_award(member=fan, points=10, key="a", memo="a")
        headers = bearer(fan)
        assert client.get(f"{API}/wallet", **headers).json()["balance"] == 10
        items = client.get(f"{API}/history", **headers).json()["items"]
        assert items[0]["points"] == 10 and items[0]["reason"] == "a"
        assert client.get(f"{API}/wallet").status_code == 401

    def test_adjustments_by_operators_only_and_idempotent(self, client):
        fan = MemberFactory()
        payload = {"member": fan.username, "points": 30, "reason": "Goodwill", "idempotency_key": "req-1"}
        assert (
            client.post(
                f"{API}/adjustments", payload, content_type="application/json", **bearer(MemberFactory())
            ).status_code
            == 404
        )
        headers = bearer(operator())
        first = client.post(f"{API}/adjustments", payload, content_type="application/json", **headers)
        second = client.post(f"{API}/adjustments", payload, content_type="application/json", **headers)
        # Exactly one caller hears "created"; the retry hears it was already done.
        assert first.status_code == 201 and second.status_code == 200
        assert second["Idempotent-Replayed"] == "true"
        assert first.json() == second.json() and first.json()["balance"] == 30

    def test_adjustment_errors(self, client):
        fan = MemberFactory()
        headers = bearer(operator())
        response = client.post(
            f"{API}/adjustments",
            {"member": fan.username, "points": -1, "reason": "x", "idempotency_key": "k"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 409 and response.json()["error"]["code"] == "insufficient_balance"
        response = client.post(
            f"{API}/adjustments",
            {"member": "ghost", "points": 1, "reason": "x", "idempotency_key": "k2"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 404


def test_rule_awards_and_orders_read_in_the_members_language(client):
    from fanrepublic.activity.services import record_event
    from fanrepublic.points.rules import rules_apply_event
    from fanrepublic.points.tests.factories import EarningRuleFactory
    from fanrepublic.rewards.services import reward_redeem
    from fanrepublic.rewards.tests.factories import RewardFactory

    fan = MemberFactory(language="zh-hans")
    EarningRuleFactory(verb="bounty.report.valid", name="Valid bug", name_zh="有效 Bug", points=500)
    event, _ = record_event(verb="bounty.report.valid", actor=operator(), owner=fan)
    rules_apply_event(event=event)
    reward_redeem(member=fan, reward=RewardFactory(name_zh="云空间年卡", price_points=100), key="k")
    client.force_login(fan)
    html = client.get(reverse("points:wallet")).content.decode()
    assert "有效 Bug" in html and "云空间年卡 × 1" in html
