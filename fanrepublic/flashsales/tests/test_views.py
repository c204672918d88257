"""The flash-sale pages and API refuse bad input with a message and change nothing, and
the console is the runners' only."""

import pytest
from django.urls import reverse

from fanrepublic.flashsales.models import FlashSale, Hold
from fanrepublic.members.tests.factories import MemberFactory, operator

from .factories import open_sale

pytestmark = pytest.mark.django_db


def test_the_api_refuses_bad_reserve_bodies_and_holds_nothing(client):
    sale = open_sale()
    client.force_login(MemberFactory())
    client.post(f"/api/v1/flash/{sale.slug}/queue", content_type="application/json")
    url = f"/api/v1/flash/{sale.slug}/reserve"
    for body in ({}, {"provider": 1}, {"provider": "offline", "units": 2}):
        assert client.post(url, body, content_type="application/json").status_code == 422
    assert client.post(url, {"provider": "paypal"}, content_type="application/json").status_code == 422
    assert not Hold.objects.exists()
    assert client.post(url, {"provider": "offline"}, content_type="application/json").status_code == 201


def test_reserving_before_joining_is_refused_with_a_reason(client):
    sale = open_sale()
    client.force_login(MemberFactory())
    answer = client.post(
        f"/api/v1/flash/{sale.slug}/reserve", {"provider": "offline"}, content_type="application/json"
    )
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_in_queue"


@pytest.mark.parametrize(
    "changes",
    [
        {"units": "0"},
        {"price": "0"},
        {"price": "1.001"},
        {"hold_seconds": "5"},
        {"admit_per_second": "0"},
        {"title": ""},
        {"closes_at": "2000-01-01T00:00"},
    ],
)
def test_the_console_refuses_bad_sales_with_messages(client, changes):
    client.force_login(operator())
    data = {
        "title": "Founders' edition",
        "product": "SU7 Ultra",
        "description": "Numbered.",
        "price": "5000.00",
        "units": "10",
        "per_member_limit": "1",
        "hold_seconds": "300",
        "admit_per_second": "200",
        "min_trust_level": "0",
        "min_member_days": "0",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-01-02T10:00",
        **changes,
    }
    answer = client.post(reverse("flashsales:console"), data)
    assert answer.status_code == 422 and "errorlist" in answer.content.decode()
    assert not FlashSale.objects.exists()


def test_members_cannot_schedule_or_close_sales(client):
    sale = open_sale()
    client.force_login(MemberFactory())
    assert client.get(reverse("flashsales:console")).status_code == 404
    assert client.post(reverse("flashsales:close", args=[sale.slug]), {"reason": "x"}).status_code == 404
