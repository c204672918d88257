"""Eligibility by badge and region, and the staff pages that keep the catalogue and the
perks: who may use them, what bad input does (nothing), and that counts never go back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fanrepublic.badges.models import Perk
from fanrepublic.badges.tests.factories import BadgeFactory, MemberBadgeFactory, PerkClaimFactory, PerkFactory
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum.tests.test_services import png_bytes
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator, store_manager
from fanrepublic.points import services as points
from fanrepublic.rewards import services
from fanrepublic.rewards.errors import NotEligible
from fanrepublic.rewards.models import Order, Reward
from fanrepublic.rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


def funded(**kwargs):
    member = MemberFactory(**kwargs)
    points.points_award(member=member, points=1000, key=f"seed:{member.pk}", memo="seed")
    return member


class TestEligibility:
    def test_a_badge_reward_refuses_members_without_the_badge_and_changes_nothing(self):
        knight = BadgeFactory(name="Orange Knight")
        reward = RewardFactory(stock=5, price_points=100)
        reward.required_badges.add(knight)
        fan = funded()
        with pytest.raises(NotEligible) as exc:
            services.reward_redeem(member=fan, reward=reward, key="k1")
        assert "Orange Knight" in str(exc.value.message)
        reward.refresh_from_db()
        assert reward.stock == 5 and points.wallet_for(fan).balance_minor == 1000
        assert not Order.objects.exists()
        MemberBadgeFactory(member=fan, badge=knight)
        services.reward_redeem(member=fan, reward=reward, key="k2")
        assert points.wallet_for(fan).balance_minor == 900

    def test_a_regional_reward_needs_a_member_in_one_of_its_regions(self):
        reward = RewardFactory(stock=5, price_points=100, regions=["CN", "HK"])
        nowhere, abroad, home = funded(), funded(country="DE"), funded(country="HK")
        for member in (nowhere, abroad):
            with pytest.raises(NotEligible):
                services.reward_redeem(member=member, reward=reward, key=f"r:{member.pk}")
        services.reward_redeem(member=home, reward=reward, key="r:home")
        assert Order.objects.get().member == home

    def test_the_page_says_why_and_offers_no_redeem_button(self, client):
        reward = RewardFactory(regions=["CN"], min_trust_level=2)
        client.force_login(funded(country="US", trust_level=1))
        page = client.get(reward.get_absolute_url()).content.decode()
        assert 'data-testid="not-eligible"' in page and "trust level 2" in page
        assert "China" in page and "Redeem</button>" not in page

    def test_the_page_in_chinese_names_the_region_in_chinese(self, client):
        reward = RewardFactory(regions=["CN"])
        client.force_login(funded(country="US", language="zh-hans"))
        page = client.get(reward.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "中国" in page and "你还不能兑换这件奖品" in page


def reward_post(**overrides):
    data = {
        "name": "Band 9",
        "name_zh": "手环 9",
        "slug": "band-9",
        "kind": "product",
        "price_points": "3000",
        "stock": "20",
        "min_trust_level": "1",
        "position": "0",
        "is_active": "on",
        "regions": ["CN"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestCatalogueStaff:
    @pytest.mark.parametrize("role", [None, engineer, operator])
    def test_only_store_managers_and_the_founder_see_it(self, client, role):
        client.force_login(role() if role else MemberFactory())
        reward = RewardFactory()
        for url in (
            reverse("rewards:staff_catalogue"),
            reverse("rewards:reward_new"),
            reverse("rewards:reward_edit", args=[reward.slug]),
        ):
            assert client.get(url).status_code == 404
        assert client.post(reverse("rewards:reward_new"), reward_post()).status_code == 404
        assert not Reward.objects.filter(slug="band-9").exists()

    @pytest.mark.parametrize("role", [store_manager, founder])
    def test_a_store_manager_adds_a_reward_with_an_image_and_it_is_audited(self, client, role):
        manager = role()
        client.force_login(manager)
        badge = BadgeFactory()
        image = SimpleUploadedFile("band.png", png_bytes(), content_type="image/png")
        response = client.post(
            reverse("rewards:reward_new"),
            reward_post(required_badges=[badge.pk], image=image, retail_price="249.00"),
        )
        assert response.status_code == 302
        reward = Reward.objects.get(slug="band-9")
        assert reward.retail_price == Decimal("249.00")
        assert reward.stock == 20 and list(reward.regions) == ["CN"] and reward.image
        assert list(reward.required_badges.all()) == [badge]
        assert AuditEntry.objects.filter(action="rewards.reward.created", actor=manager).exists()
        listing = client.get(reverse("rewards:staff_catalogue")).content.decode()
        assert "Band 9" in listing and "¥249.00 in the shops" in listing

    @pytest.mark.parametrize(
        "overrides",
        [
            {"price_points": "0"},
            {"price_points": "-5"},
            {"retail_price": "0"},
            {"retail_price": "-249"},
            {"retail_price": "2.499"},
            {"retail_price": "=1+1"},
            {"stock": "-1"},
            {"min_trust_level": "5"},
            {"name": ""},
            {"slug": "not a slug"},
            {"regions": ["XX"]},
            {"image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")},
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_created(self, client, overrides):
        client.force_login(store_manager())
        response = client.post(reverse("rewards:reward_new"), reward_post(**overrides))
        assert response.status_code == 422
        assert 'class="errorlist' in response.content.decode()
        assert not Reward.objects.exists()

    def test_a_duplicate_slug_is_refused(self, client):
        RewardFactory(slug="band-9")
        client.force_login(store_manager())
        assert client.post(reverse("rewards:reward_new"), reward_post()).status_code == 422
        assert Reward.objects.count() == 1

    def test_editing_changes_stock_by_a_difference_so_redemptions_meanwhile_are_kept(self, client):
        manager = store_manager()
        reward = RewardFactory(slug="band-9", stock=10, price_points=100)
        client.force_login(manager)
        form_page = client.get(reverse("rewards:reward_edit", args=[reward.slug]))
        assert 'name="stock"' not in form_page.content.decode()
        services.reward_redeem(member=funded(), reward=reward, key="meanwhile", quantity=3)  # form still open
        response = client.post(
            reverse("rewards:reward_edit", args=[reward.slug]),
            reward_post(restock="5", price_points="120", stock=None),
        )
        assert response.status_code == 302
        reward.refresh_from_db()
        assert reward.stock == 10 - 3 + 5 and reward.price_points == 120
        assert AuditEntry.objects.filter(action="rewards.reward.changed").get().data["restock"] == 5

    def test_taking_out_more_than_is_in_stock_changes_nothing(self, client):
        reward = RewardFactory(slug="band-9", stock=4, price_points=100)
        client.force_login(store_manager())
        response = client.post(
            reverse("rewards:reward_edit", args=[reward.slug]),
            reward_post(restock="-5", price_points="999", stock=None),
        )
        assert response.status_code == 422
        assert "more units than are in stock" in response.content.decode()
        reward.refresh_from_db()
        assert reward.stock == 4 and reward.price_points == 100
        assert not AuditEntry.objects.exists()

    def test_a_withdrawn_reward_stays_editable_but_leaves_the_store(self, client):
        reward = RewardFactory(slug="band-9", is_active=False)
        client.force_login(store_manager())
        assert client.get(reverse("rewards:reward_edit", args=[reward.slug])).status_code == 200
        assert client.get(reward.get_absolute_url()).status_code == 404


def perk_post(**overrides):
    data = {
        "name": "VIP seat at the launch",
        "name_zh": "发布会贵宾席",
        "slug": "vip-seat",
        "price_points": "500",
        "quantity": "10",
        "happens_at": (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestPerkStaff:
    @pytest.mark.parametrize("role", [None, engineer, store_manager])
    def test_only_operators_and_the_founder_see_it(self, client, role):
        client.force_login(role() if role else MemberFactory())
        assert client.get(reverse("badges:perks_staff")).status_code == 404
        assert client.post(reverse("badges:perk_new"), perk_post()).status_code == 404
        assert not Perk.objects.exists()

    def test_an_operator_creates_a_perk_that_needs_a_badge(self, client):
        op = operator()
        elder = BadgeFactory(name="Geek Elder")
        client.force_login(op)
        assert (
            client.post(reverse("badges:perk_new"), perk_post(required_badges=[elder.pk])).status_code == 302
        )
        perk = Perk.objects.get(slug="vip-seat")
        assert perk.quantity == perk.remaining == 10 and list(perk.required_badges.all()) == [elder]
        assert AuditEntry.objects.filter(action="perks.perk.created", actor=op).exists()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"quantity": "0"},
            {"price_points": "-1"},
            {"happens_at": "tomorrow"},
            {"happens_at": "2020-01-01T10:00"},
            {"name": ""},
        ],
    )
    def test_bad_input_is_refused(self, client, overrides):
        client.force_login(operator())
        assert client.post(reverse("badges:perk_new"), perk_post(**overrides)).status_code == 422
        assert not Perk.objects.exists()

    def test_places_change_by_a_difference_and_claimed_places_cannot_be_removed(self, client):
        perk = PerkFactory(slug="vip-seat", quantity=3)
        PerkClaimFactory(perk=perk)
        Perk.objects.filter(pk=perk.pk).update(remaining=2)
        client.force_login(founder())
        url = reverse("badges:perk_edit", args=[perk.slug])
        response = client.post(url, perk_post(add_places="-3", quantity=None))
        assert response.status_code == 422
        perk.refresh_from_db()
        assert (perk.quantity, perk.remaining) == (3, 2)
        assert client.post(url, perk_post(add_places="4", quantity=None)).status_code == 302
        perk.refresh_from_db()
        assert (perk.quantity, perk.remaining) == (7, 6)


def test_the_api_catalogue_lists_badge_and_region_requirements(client):
    knight = BadgeFactory(slug="orange-knight")
    reward = RewardFactory(slug="jacket", regions=["CN", "HK"], retail_price=Decimal("169.00"))
    reward.required_badges.add(knight)
    (item,) = client.get("/api/v1/rewards").json()
    assert item["required_badges"] == ["orange-knight"] and item["regions"] == ["CN", "HK"]
    assert item["retail_price"] == "169.00"
