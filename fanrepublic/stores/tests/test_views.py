"""Given/when/then through the pages: check-in from the QR code, the member's own page,
the desk's forms with bad input, the CSV upload and the printable sign."""

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.urls import reverse

from fanrepublic.members.errors import SecondFactorRequired
from fanrepublic.members.second_factor import totp_activate
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.stores.checkin_codes import screen_code
from fanrepublic.stores.models import Contact, Order, Store, Visit

from .factories import ContactFactory, StoreFactory, pos, refund, sale

pytestmark = pytest.mark.django_db


def test_scanning_the_qr_code_asks_once_and_checks_in(client):
    store, member = StoreFactory(), MemberFactory()
    url = reverse("stores:check_in", args=[store.slug, screen_code(store)])
    assert client.get(url).status_code == 302  # sign in first, then back here
    client.force_login(member)
    assert store.display_name in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("stores:mine")
    assert "Your visit is recorded" in response.content.decode()
    assert Visit.objects.filter(member=member, store=store).count() == 1
    again = client.post(url, follow=True)
    assert "already checked in" in again.content.decode() and Visit.objects.count() == 1


def test_an_old_qr_code_says_so_and_records_nothing(client):
    store = StoreFactory()
    client.force_login(MemberFactory())
    response = client.post(reverse("stores:check_in", args=[store.slug, "old-key"]))
    assert response.status_code == 404 and "not valid any more" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_member_page_shows_a_code_and_registers_serials(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.post(reverse("stores:mine_link_code")).content.decode()
    assert 'data-testid="link-code"' in page
    bad = client.post(reverse("stores:mine_serial"), {"serial_number": "NOPE"})
    assert bad.status_code == 422 and "No product sold by our stores" in bad.content.decode()


def test_the_desk_refuses_a_bad_phone_on_the_form_and_keeps_what_was_typed(client):
    store = StoreFactory()
    client.force_login(store.manager)
    response = client.post(
        reverse("stores:desk_add_customer", args=[store.slug]), {"name": "Li Lei", "phone": "12345"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Not a valid phone number" in page and 'value="Li Lei"' in page
    assert not Contact.objects.exists()


def test_the_desk_shows_the_qr_code_as_svg_and_the_sign_prints(client):
    store = StoreFactory()
    client.force_login(store.manager)
    page = client.get(reverse("stores:desk_store", args=[store.slug])).content.decode()
    assert "<svg" in page and store.checkin_key not in page
    sign = client.get(reverse("stores:desk_qr", args=[store.slug])).content.decode()
    assert "<svg" in sign and "data-print" in sign and store.checkin_key not in sign


def test_a_wrong_link_code_is_shown_on_the_customer_page(client):
    store = StoreFactory()
    contact = ContactFactory()
    contact.stores.add(store)
    client.force_login(store.manager)
    response = client.post(reverse("stores:contact_link", args=[contact.pk]), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 422 and "This code is not valid" in response.content.decode()


def test_an_operator_uploads_a_pos_export_and_sees_the_counts(client):
    ProductLineFactory(slug="orange-15")
    store, source = StoreFactory(), pos(name="Chain POS")
    client.force_login(operator())
    page = client.get(reverse("stores:purchases_upload")).content.decode()
    assert "Chain POS" in page
    csv_file = (
        "order_id,occurred_at,channel,store,currency,product,sku,quantity,unit_price\n"
        f"C1,2026-11-20T10:00:00+08:00,store,{store.slug},CNY,orange-15,O15,1,3999.00\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("stores:purchases_upload"),
        {"integration": source.pk, "file": SimpleUploadedFile("day.csv", csv_file, "text/csv")},
    )
    assert response.status_code == 200 and 'data-testid="import-result"' in response.content.decode()
    assert Order.objects.count() == 1
    bad = client.post(
        reverse("stores:purchases_upload"),
        {"integration": source.pk, "file": SimpleUploadedFile("bad.csv", b"order_id\nC2\n", "text/csv")},
    )
    assert bad.status_code == 422 and "Missing columns" in bad.content.decode()


def test_an_operator_opens_a_store_through_the_form(client):
    client.force_login(operator())
    data = {
        "slug": "xian-bell-tower",
        "name": "Xi'an Bell Tower",
        "city": "Xi'an",
        "address": "1 Bell Tower",
        "is_active": "on",
    }
    response = client.post(reverse("stores:store_new"), data)
    assert response.status_code == 302
    store = Store.objects.get(slug="xian-bell-tower")
    assert store.is_active and store.checkin_key
    taken = client.post(reverse("stores:store_new"), data)
    assert taken.status_code == 422 and "Another store has this short name" in taken.content.decode()


def test_a_clerk_s_personal_token_needs_their_second_factor(client):
    # given a member's token made before they joined a store's staff
    store = StoreFactory()
    clerk = MemberFactory()
    _token, secret = api_token_create(owner=clerk, name="phone", scopes=["read"])
    store.staff.add(clerk)
    with pytest.raises(SecondFactorRequired):  # no new one without the factor either
        api_token_create(owner=clerk, name="laptop", scopes=["read"])
    customers = f"/api/v1/stores/desk/{store.slug}/customers"
    refused = client.get(customers, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "second_factor_required"
    totp_activate(member=clerk, secret=generate_totp_secret())
    assert client.get(customers, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    # leaving the store ends the duty: a member without a store needs no factor
    other = MemberFactory()
    _token, secret = api_token_create(owner=other, name="phone", scopes=["read"])
    assert client.get("/api/v1/stores/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_the_manager_names_the_staff_who_then_work_in_the_store(client):
    store = StoreFactory()
    clerk = MemberFactory()
    client.force_login(store.manager)
    bad = client.post(
        reverse("stores:desk_staff", args=[store.slug]), {"usernames": "nobody-here"}, follow=True
    )
    assert "No member is called nobody-here" in bad.content.decode() and not store.staff.exists()
    client.post(reverse("stores:desk_staff", args=[store.slug]), {"usernames": clerk.username})
    assert list(store.staff.all()) == [clerk]
    client.force_login(clerk)
    # a clerk reads customers' phones and purchases: like staff, only after a second factor
    assert client.get(reverse("stores:desk_store", args=[store.slug]))["Location"] == reverse("mfa_index")
    totp_activate(member=clerk, secret=generate_totp_secret())
    client.force_login(clerk)
    assert client.get(reverse("stores:desk_store", args=[store.slug])).status_code == 200
    assert client.post(reverse("stores:desk_staff", args=[store.slug]), {"usernames": ""}).status_code == 403


def test_a_customer_name_with_direction_overrides_cannot_turn_the_page_around(client):
    # a name from a till or WeCom may carry a right-to-left override ("\u202e"): it is
    # shown isolated in <bdi>, so it cannot reverse the text that follows it
    store = StoreFactory()
    contact = ContactFactory(name="\u202emoc.live")
    contact.stores.add(store)
    client.force_login(store.manager)
    page = client.get(reverse("stores:desk_store", args=[store.slug])).content.decode()
    assert "<bdi>\u202emoc.live</bdi>" in page
    detail = client.get(contact.get_absolute_url()).content.decode()
    assert "<h1><bdi>\u202emoc.live</bdi></h1>" in detail


def test_the_desk_shows_todays_takings_net_of_refunds(client):
    from django.utils import timezone

    from fanrepublic.stores.purchases import orders_import

    store = StoreFactory()
    till = pos()
    now = timezone.now().isoformat()
    lines = [{"sku": "CASE", "quantity": 2, "unit_price": "100.00"}]
    orders_import(integration=till, items=[sale("T1", store=store, lines=lines, at=now)])
    back = refund(
        "T1R",
        "T1",
        [{"sku": "CASE", "quantity": 1, "unit_price": "100.00", "refunds_line": 1}],
        at=now,
        store=store.slug,
    )
    results = orders_import(integration=till, items=[back])
    assert [(r.status, r.errors) for r in results] == [("created", {})]
    client.force_login(store.manager)
    page = client.get(reverse("stores:desk_store", args=[store.slug])).content.decode()
    kpis = page[page.index("kpis") : page.index("customers known")]
    assert "100.00 CNY" in kpis and "200.00 CNY" not in kpis, kpis
