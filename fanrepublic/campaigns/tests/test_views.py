"""The pages and the API: back a campaign and land on the deposit's payment, cancel,
the console's campaign form in yuan (bad input refused with messages, nothing stored),
uploads checked, updates, and the notifications in both languages."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from fanrepublic.campaigns.enums import BackingStatus, CampaignStatus
from fanrepublic.campaigns.models import Backing, Campaign
from fanrepublic.campaigns.notices import notice_text
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.payments.models import Payment

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_backing_on_the_page_leads_to_the_deposit_payment(client):
    campaign = CampaignFactory()
    member = MemberFactory()
    client.force_login(member)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="back"' in page and 'data-testid="demo-banner"' in page
    answer = client.post(reverse("campaigns:back", args=[campaign.slug]), {"units": 2, "provider": "offline"})
    payment = Payment.objects.get()
    assert answer.status_code == 302 and answer["Location"] == payment.get_absolute_url()
    assert payment.amount_fen == 100_000 and payment.purpose_type == "campaigns.backing"
    client.post(payment.checkout_url)
    assert Backing.objects.get().status == BackingStatus.HELD
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="my-backing"' in page and 'data-testid="cancel-backing"' in page
    client.post(reverse("campaigns:cancel", args=[campaign.slug]))
    assert Backing.objects.get().status == BackingStatus.CANCELLED
    assert Payment.objects.get().refunded_fen == 100_000


@pytest.mark.parametrize(
    "data",
    [
        {"units": 0, "provider": "offline"},
        {"units": 3, "provider": "offline"},
        {"units": 1, "provider": "wechat"},
        {"units": "x", "provider": "offline"},
        {"provider": "offline"},
    ],
)
def test_bad_backings_are_refused_on_the_page(client, data):
    campaign = CampaignFactory()
    client.force_login(MemberFactory())
    answer = client.post(reverse("campaigns:back", args=[campaign.slug]), data)
    assert answer.status_code == 422
    assert not Backing.objects.exists() and not Payment.objects.exists()


def test_not_eligible_members_are_told_why(client):
    campaign = CampaignFactory(min_trust_level=3)
    client.force_login(MemberFactory(trust_level=0))
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="not-eligible"' in page and "trust level 3" in page


def form_data(**changes):
    now = timezone.localtime()
    data = {
        "title": "Band 9 pre-order",
        "title_zh": "手环 9 预订",
        "product": "Orange Band 9",
        "description": "Built with you.",
        "unit_price": "3999.00",
        "deposit": "500.00",
        "goal": "1000000.00",
        "goal_units": "",
        "per_member_limit": "2",
        "min_trust_level": "0",
        "min_member_days": "0",
        "opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_make_open_and_update_a_campaign_in_yuan(client):
    staff = operator()
    client.force_login(staff)
    answer = client.post(reverse("campaigns:create"), form_data())
    campaign = Campaign.objects.get()
    assert answer.status_code == 302
    assert (campaign.unit_price_fen, campaign.deposit_fen, campaign.goal_fen) == (
        399_900,
        50_000,
        100_000_000,
    )
    assert campaign.status == CampaignStatus.DRAFT
    assert client.get(campaign.get_absolute_url()).status_code == 200  # staff see drafts
    client.post(reverse("campaigns:open", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    client.post(
        reverse("campaigns:post_update", args=[campaign.slug]), {"title": "Stretch", "body": "Titanium"}
    )
    assert campaign.updates.count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"campaigns.campaign.created", "campaigns.campaign.opened", "campaigns.update.posted"} <= actions


@pytest.mark.parametrize(
    "changes",
    [
        {"deposit": "4000.00"},  # more than the price
        {"unit_price": "0"},
        {"unit_price": "1.001"},
        {"goal": "", "goal_units": ""},  # no goal
        {"title": ""},
        {"title": "two\nlines"},
        {"per_member_limit": "0"},
        {"closes_at": "2000-01-01T00:00"},
    ],
)
def test_bad_campaigns_are_refused_with_messages(client, changes):
    client.force_login(operator())
    answer = client.post(reverse("campaigns:create"), form_data(**changes))
    assert answer.status_code == 422
    assert "errorlist" in answer.content.decode()
    assert not Campaign.objects.exists()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(out, "PNG")
    return out.getvalue()


def test_images_are_checked_and_renamed(client):
    client.force_login(operator())
    bad = SimpleUploadedFile("x.png", b"<?php echo 1; ?>", content_type="image/png")
    answer = client.post(reverse("campaigns:create"), {**form_data(), "image": bad})
    assert answer.status_code == 422 and not Campaign.objects.exists()
    good = SimpleUploadedFile("../../evil name.png", png(), content_type="image/png")
    answer = client.post(reverse("campaigns:create"), {**form_data(), "image": good})
    campaign = Campaign.objects.get()
    assert "evil" not in campaign.image.name and campaign.image.name.endswith(".png")


def test_members_cannot_reach_the_console_or_drafts(client):
    draft = CampaignFactory(status="draft")
    client.force_login(MemberFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("campaigns:console")).status_code == 404
    assert client.post(reverse("campaigns:open", args=[draft.slug])).status_code == 404


def test_the_api_backs_and_refuses_bad_bodies(client):
    campaign = CampaignFactory()
    client.force_login(MemberFactory())
    url = f"/api/v1/campaigns/{campaign.slug}/backing"
    for body in (
        {"units": "1", "provider": "offline"},
        {"units": 1},
        {"units": 1, "provider": "offline", "x": 1},
    ):
        assert client.post(url, body, content_type="application/json").status_code == 422
    answer = client.post(url, {"units": 1, "provider": "offline"}, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["checkout_url"].startswith("/payments/demo-provider/")
    again = client.post(url, {"units": 1, "provider": "offline"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_backing"
    assert client.get("/api/v1/campaigns/backings").json()[0]["status"] == "pending"


def test_notifications_read_in_both_languages():
    params = {"campaign": "Band 9", "campaign_zh": "手环 9", "what": "failed"}
    assert "refunded in full" in notice_text(params)
    with translation.override("zh-hans"):
        assert "手环 9" in notice_text(params)
