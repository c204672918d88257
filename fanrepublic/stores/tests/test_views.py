"""Given/when/then through the pages: check-in from the QR code, the member's own page,
the desk's forms with bad input, the CSV upload and the printable sign."""

import pytest
from django.urls import reverse

from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.stores.models import Contact, Order, Store, Visit

from .factories import ContactFactory, StoreFactory, pos

pytestmark = pytest.mark.django_db


def test_scanning_the_qr_code_asks_once_and_checks_in(client):
    store, member = StoreFactory(), MemberFactory()
    url = reverse("stores:check_in", args=[store.slug, store.checkin_key])
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
    assert "<svg" in page and store.checkin_key not in page.split("<svg", 1)[0]
    sign = client.get(reverse("stores:desk_qr", args=[store.slug])).content.decode()
    assert "<svg" in sign and "data-print" in sign


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
    assert client.get(reverse("stores:desk_store", args=[store.slug])).status_code == 200
    assert client.post(reverse("stores:desk_staff", args=[store.slug]), {"usernames": ""}).status_code == 403
