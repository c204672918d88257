"""The rewards store: redemption moves stock and points together, every refusal
changes nothing, cancellation refunds through the ledger, staff fulfil."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.tests.csvcheck import csv_text
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, store_manager
from fanrepublic.points import services as points
from fanrepublic.points import services as points_service
from fanrepublic.points.errors import InsufficientBalance
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.rewards import services
from fanrepublic.rewards.errors import NotEligible, OutOfStock, OverLimit
from fanrepublic.rewards.models import Order
from fanrepublic.rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db
SHIP = {"name": "Li Lei", "phone": "13800000000", "address": "1 Xidan St, Beijing"}


def rich_member(points=1000, **kwargs):
    member = MemberFactory(**kwargs)
    if points:
        points_service.points_award(member=member, points=points, key=f"seed:{member.pk}", memo="seed")
    return member


def balance(member):
    return points.wallet_for(member).balance_minor


def stock(reward):
    reward.refresh_from_db()
    return reward.stock


class TestRedeem:
    def test_redeem_reserves_stock_and_debits_points_once(self):
        fan, reward = rich_member(), RewardFactory(price_points=300, stock=5)
        order = services.reward_redeem(member=fan, reward=reward, key="k1", quantity=2)
        again = services.reward_redeem(member=fan, reward=reward, key="k1", quantity=2)
        assert again.pk == order.pk and order.points_total == 600
        assert balance(fan) == 400 and stock(reward) == 3 and order.debit.postings.count() == 2
        assert ledger_problems() == []

    @pytest.mark.parametrize(
        "setup,error",
        [
            (lambda: (rich_member(points=50), RewardFactory(price_points=100)), InsufficientBalance),
            (lambda: (rich_member(), RewardFactory(stock=0)), OutOfStock),
            (lambda: (rich_member(trust_level=1), RewardFactory(min_trust_level=3)), NotEligible),
        ],
    )
    def test_refusals_change_nothing(self, setup, error):
        fan, reward = setup()
        before_balance, before_stock = balance(fan), reward.stock
        with pytest.raises(error):
            services.reward_redeem(member=fan, reward=reward, key="k")
        assert balance(fan) == before_balance and stock(reward) == before_stock and Order.objects.count() == 0

    def test_per_member_limit_counts_open_and_fulfilled_orders(self):
        fan, reward = rich_member(), RewardFactory(per_member_limit=2, price_points=10)
        services.reward_redeem(member=fan, reward=reward, key="a")
        cancelled = services.reward_redeem(member=fan, reward=reward, key="b")
        services.order_cancel(member=fan, order=cancelled)
        services.reward_redeem(member=fan, reward=reward, key="c")
        with pytest.raises(OverLimit):
            services.reward_redeem(member=fan, reward=reward, key="d")

    def test_products_need_a_shipping_address(self):
        fan, reward = rich_member(), RewardFactory(kind="product")
        with pytest.raises(ValidationFailed) as exc:
            services.reward_redeem(member=fan, reward=reward, key="k", shipping={"name": "Li"})
        assert {"shipping_phone", "shipping_address"} <= set(exc.value.errors)
        services.reward_redeem(member=fan, reward=reward, key="k", shipping=SHIP)

    @pytest.mark.parametrize("quantity", [0, -1, 11, "2"])
    def test_bad_quantities(self, quantity):
        with pytest.raises(ValidationFailed):
            services.reward_redeem(member=rich_member(), reward=RewardFactory(), key="k", quantity=quantity)

    def test_inactive_rewards_and_suspended_members(self):
        from datetime import timedelta

        from django.utils import timezone

        with pytest.raises(NotFound):
            services.reward_redeem(member=rich_member(), reward=RewardFactory(is_active=False), key="k")
        suspended = rich_member(suspended_until=timezone.now() + timedelta(days=1))
        with pytest.raises(Forbidden):
            services.reward_redeem(member=suspended, reward=RewardFactory(), key="k2")

    def test_a_failure_after_reserving_stock_undoes_the_reservation(self, monkeypatch):
        """A crash between reserving stock and debiting points leaves neither done."""
        fan, reward = rich_member(), RewardFactory(stock=3)

        def crash(**kwargs):
            raise DatabaseError("connection lost")

        monkeypatch.setattr(services, "points_spend", crash)
        with pytest.raises(DatabaseError):
            services.reward_redeem(member=fan, reward=reward, key="k")
        assert stock(reward) == 3 and balance(fan) == 1000 and Order.objects.count() == 0

    def test_another_members_key_is_not_found(self):
        reward = RewardFactory()
        services.reward_redeem(member=rich_member(), reward=reward, key="shared")
        with pytest.raises(NotFound):
            services.reward_redeem(member=rich_member(), reward=reward, key="shared")


class TestOrderLifecycle:
    def test_cancel_refunds_points_and_stock(self):
        fan, reward = rich_member(), RewardFactory(price_points=250, stock=2)
        order = services.reward_redeem(member=fan, reward=reward, key="k")
        closed = services.order_cancel(member=fan, order=order)
        assert closed.status == "cancelled" and closed.refund.reverses == order.debit
        assert balance(fan) == 1000 and stock(reward) == 2
        with pytest.raises(Conflict):
            services.order_cancel(member=fan, order=order)
        assert ledger_problems() == []

    def test_only_the_owner_cancels(self):
        order = services.reward_redeem(member=rich_member(), reward=RewardFactory(), key="k")
        with pytest.raises(NotFound):
            services.order_cancel(member=MemberFactory(), order=order)

    def test_store_manager_fulfils_a_voucher_with_a_code(self):
        order = services.reward_redeem(member=rich_member(), reward=RewardFactory(kind="voucher"), key="k")
        manager = store_manager()
        with pytest.raises(ValidationFailed):
            services.order_fulfil(actor=manager, order=order)
        done = services.order_fulfil(actor=manager, order=order, voucher_code="ORANGE-2026-XYZ")
        assert (
            done.status == "fulfilled"
            and AuditEntry.objects.filter(action="rewards.order.fulfilled").exists()
        )
        with pytest.raises(Conflict):
            services.order_cancel(member=order.member, order=order)

    def test_refusal_refunds_and_is_audited(self):
        fan = rich_member()
        order = services.reward_redeem(member=fan, reward=RewardFactory(), key="k")
        with pytest.raises(ValidationFailed):
            services.order_refuse(actor=operator(), order=order, reason=" ")
        services.order_refuse(actor=operator(), order=order, reason="We cannot ship to that region")
        assert balance(fan) == 1000 and AuditEntry.objects.filter(action="rewards.order.refused").exists()

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_members_and_engineers_cannot_fulfil(self, make):
        order = services.reward_redeem(member=rich_member(), reward=RewardFactory(), key="k")
        with pytest.raises(NotFound):
            services.order_fulfil(actor=make(), order=order, voucher_code="x")


class TestPages:
    def test_catalogue_and_redeem_from_the_page(self, client):
        fan = rich_member(language="zh-hans")
        reward = RewardFactory(name_zh="橙子手环兑换券", price_points=100)
        assert (
            "橙子手环兑换券"
            in client.get(reverse("rewards:catalogue"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        )
        client.force_login(fan)
        page = client.get(reward.get_absolute_url())
        key = page.context["form"].initial["key"]
        data = {"quantity": 1, "key": key, "shipping_name": "", "shipping_phone": "", "shipping_address": ""}
        assert client.post(reward.get_absolute_url(), data).status_code == 302
        assert client.post(reward.get_absolute_url(), data).status_code == 302  # double submit: one order
        assert Order.objects.count() == 1 and balance(fan) == 900
        assert "已下单" in client.get(reverse("rewards:orders")).content.decode()

    def test_out_of_stock_shows_a_clear_error(self, client):
        reward = RewardFactory(stock=0)
        client.force_login(rich_member())
        response = client.post(reward.get_absolute_url(), {"quantity": 1, "key": "k"})
        assert response.status_code == 409 and "out of stock" in response.content.decode()

    def test_fulfilment_desk_and_csv_for_store_staff_only(self, client):
        order = services.reward_redeem(
            member=rich_member(), reward=RewardFactory(kind="product"), key="k", shipping=SHIP
        )
        client.force_login(MemberFactory())
        assert client.get(reverse("rewards:desk")).status_code == 404
        assert client.get(reverse("rewards:desk_csv")).status_code == 404
        client.force_login(store_manager())
        assert "1 Xidan St" in client.get(reverse("rewards:desk")).content.decode()
        assert "1 Xidan St" in csv_text(client.get(reverse("rewards:desk_csv")))
        client.post(reverse("rewards:fulfil", args=[order.pk]), {"tracking": "SF123"})
        order.refresh_from_db()
        assert order.status == "fulfilled" and order.tracking == "SF123"

    def test_member_cancels_from_the_page(self, client):
        fan = rich_member()
        order = services.reward_redeem(member=fan, reward=RewardFactory(), key="k")
        client.force_login(fan)
        client.post(reverse("rewards:cancel", args=[order.pk]))
        order.refresh_from_db()
        assert order.status == "cancelled"


class TestApi:
    def headers(self, user):
        _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def test_catalogue_redeem_orders_cancel(self, client):
        fan, reward = rich_member(), RewardFactory(slug="band-voucher", price_points=100)
        assert client.get("/api/v1/rewards").json()[0]["slug"] == "band-voucher"
        h = self.headers(fan)
        payload = {"idempotency_key": "r-1", "quantity": 2}
        first = client.post(
            "/api/v1/rewards/band-voucher/redeem", payload, content_type="application/json", **h
        )
        second = client.post(
            "/api/v1/rewards/band-voucher/redeem", payload, content_type="application/json", **h
        )
        assert first.status_code == 201 and first.json()["id"] == second.json()["id"] and balance(fan) == 800
        # the retry is told it was already done, not "created"
        assert second.status_code == 200 and second["Idempotent-Replayed"] == "true"
        assert not first.has_header("Idempotent-Replayed")
        assert client.get("/api/v1/rewards/orders", **h).json()[0]["quantity"] == 2
        order_id = first.json()["id"]
        assert client.post(f"/api/v1/rewards/orders/{order_id}/cancel", **h).json()["status"] == "cancelled"
        assert reward.pk and balance(fan) == 1000

    @pytest.mark.parametrize("quantity", [True, False, 1.0, "1"])
    def test_a_quantity_that_is_not_an_integer_is_refused(self, client, quantity):
        # Pydantic's lax mode would read `true` as 1 and redeem a reward.
        fan = rich_member()
        RewardFactory(slug="band-voucher", price_points=100)
        payload = {"idempotency_key": "r-1", "quantity": quantity}
        response = client.post(
            "/api/v1/rewards/band-voucher/redeem",
            payload,
            content_type="application/json",
            **self.headers(fan),
        )
        assert response.status_code == 422 and list(response.json()["error"]["fields"]) == ["quantity"]
        assert not Order.objects.exists() and balance(fan) == 1000

    def test_errors(self, client):
        RewardFactory(slug="rare", stock=0)
        h = self.headers(rich_member())
        response = client.post(
            "/api/v1/rewards/rare/redeem", {"idempotency_key": "x"}, content_type="application/json", **h
        )
        assert response.status_code == 409 and response.json()["error"]["code"] == "out_of_stock"
        assert (
            client.post(
                "/api/v1/rewards/nope/redeem", {"idempotency_key": "y"}, content_type="application/json", **h
            ).status_code
            == 404
        )
        assert client.get("/api/v1/rewards/staff/orders", **h).status_code == 404

    def test_staff_fulfil_and_refuse(self, client):
        a = services.reward_redeem(member=rich_member(), reward=RewardFactory(), key="a")
        b = services.reward_redeem(member=rich_member(), reward=RewardFactory(), key="b")
        h = self.headers(store_manager())
        assert len(client.get("/api/v1/rewards/staff/orders", **h).json()) == 2
        assert (
            client.post(
                f"/api/v1/rewards/orders/{a.pk}/fulfil",
                {"voucher_code": "C-1"},
                content_type="application/json",
                **h,
            ).json()["status"]
            == "fulfilled"
        )
        assert (
            client.post(
                f"/api/v1/rewards/orders/{b.pk}/refuse",
                {"reason": "fraud check"},
                content_type="application/json",
                **h,
            ).json()["status"]
            == "refused"
        )


def test_open_orders_show_as_pending_in_the_wallet():
    from fanrepublic.points.selectors import wallet_summary

    fan = rich_member()
    order = services.reward_redeem(member=fan, reward=RewardFactory(price_points=300), key="k")
    assert wallet_summary(member=fan).pending == 300
    services.order_cancel(member=fan, order=order)
    assert wallet_summary(member=fan).pending == 0
