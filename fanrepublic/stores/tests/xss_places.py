"""The stored-XSS suite's places for stores (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into each text field through this app's services (or its
purchase import), and every page that shows it checked, as the viewers who may see it."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

# Text fields no page shows as typed text, each with the reason.
ALLOWED: dict[str, str] = {
    "stores.Store.slug": "validated as a slug (letters, digits, - and _) by store_save",
    "stores.Store.checkin_key": "made by the platform (secrets.token_urlsafe); never shown, only HMAC keys",
    "stores.Contact.phone": "normalised to E.164 by phonenumbers before it is stored: digits and a plus",
    "stores.Contact.wecom_external_userid": "set by the WeCom integration; pages only say it is connected",
    "stores.LinkCode.code_hash": "a SHA-256 digest, never shown",
    "stores.Order.fingerprint": "a SHA-256 digest, never shown",
    "stores.Order.currency": "one of settings.STORES_CURRENCIES, checked on import",
    "stores.SerialRegistration.serial_number": "a copy of a sold order line's serial number (covered there)",
}
# Named pages that never show stored text, each with the reason.
NOT_PAGES: dict[str, str] = dict.fromkeys(
    [
        "stores:contact_link",
        "stores:contact_unlink",
        "stores:desk_add_customer",
        "stores:desk_qr_rotate",
        "stores:desk_staff",
        "stores:desk_visit",
        "stores:mine_link_code",
        "stores:mine_serial",
        "stores:mine_unlink",
    ],
    "POST only: redirects, or the page it came from (visited) with the form's errors",
)


@place(
    "stores",
    "stores.Store.name",
    "stores.Store.name_zh",
    "stores.Store.city",
    "stores.Store.city_zh",
    "stores.Store.address",
    "stores.Store.address_zh",
    "stores.Store.opening_hours",
    "stores.Store.opening_hours_zh",
    "stores.Store.phone",
)
def stores_themselves(pages: Pages):
    """Every store text field, in both languages; the store finder, the store's page,
    the desk, the store's desk page, its printable sign and its edit form."""
    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.stores import checkin_codes, services

    op, zh = operator(), MemberFactory(language="zh-hans")
    made = []
    fields = services.STORE_TEXT_FIELDS
    longest = max(len(packs(length)) for length, _required in fields.values())
    for index in range(longest):
        data = {"slug": f"xss-{index}"}
        shown = []
        for name, (length, _required) in fields.items():
            groups = packs(length)
            group = groups[index % len(groups)]
            data[name] = " ".join(p.text for p in group)
            shown.append((name, group))
        store = services.store_save(actor=op, data={**data, "manager": None})
        made.append((store, shown))
    for store, shown in made:
        english = [m for name, group in shown if not name.endswith("_zh") for m in markers(group)]
        chinese = [
            m for name, group in shown if name.endswith("_zh") or name == "phone" for m in markers(group)
        ]
        pages.check(None, _reverse("stores:store", store.slug), shows=english)
        pages.check(zh, _reverse("stores:store", store.slug), shows=chinese)
        pages.check(
            zh,
            _reverse("stores:check_in", store.slug, checkin_codes.screen_code(store)),
            shows=markers(shown[1][1]),
        )
        pages.check(op, _reverse("stores:desk_store", store.slug))
        pages.check(op, _reverse("stores:desk_qr_screen", store.slug))
        pages.check(op, _reverse("stores:desk_qr", store.slug))
        pages.check(op, _reverse("stores:store_edit", store.slug), shows=english + chinese)
    pages.check(None, _reverse("stores:index"))
    pages.check(zh, _reverse("stores:index"))
    pages.check(op, _reverse("stores:desk"))
    pages.check(op, _reverse("stores:store_new"))
    pages.check(op, _reverse("stores:purchases_upload"))
    pages.admin(*(s for s, _ in made[:2]))


@place(
    "stores.customers",
    "stores.Contact.name",
    "stores.Order.external_id",
    "stores.OrderLine.sku",
    "stores.OrderLine.description",
    "stores.OrderLine.serial_number",
)
def stores_customers_and_purchases(pages: Pages):
    """Customer names added by staff; order numbers, SKUs, descriptions and serial
    numbers from a point of sale; the store desk, the customer's page, the member's own
    page and the admin."""
    from fanrepublic.members.tests.factories import MemberFactory
    from fanrepublic.stores import services
    from fanrepublic.stores.models import Contact, Order
    from fanrepublic.stores.purchases import orders_import

    from .factories import StoreFactory, pos, sale

    store, buyer, source = StoreFactory(), MemberFactory(), pos()
    manager = store.manager
    names = []
    for n, group in enumerate(packs(100)):
        contact, _ = services.contact_add(
            actor=manager, store=store, name=" ".join(p.text for p in group), phone=f"+86138001{n:05d}"
        )
        names += markers(group)
    pages.check(manager, _reverse("stores:desk_store", store.slug), shows=names)
    for contact in Contact.objects.filter(stores=store)[:3]:
        pages.check(manager, _reverse("stores:contact", contact.pk))

    shown = []
    numbers, skus, serials, descriptions = packs(100), packs(64), packs(64), packs(200)
    count = max(len(numbers), len(skus), len(serials), len(descriptions))
    for index in range(count):
        groups = [g[index % len(g)] for g in (numbers, skus, serials, descriptions)]
        line = {
            "sku": " ".join(p.text for p in groups[1]),
            "serial_number": " ".join(p.text for p in groups[2]),
            "description": " ".join(p.text for p in groups[3]),
            "quantity": 1,
            "unit_price": "1.00",
        }
        item = sale(
            " ".join(p.text for p in groups[0]), store=store, customer={"member": buyer.pk}, lines=[line]
        )
        [result] = orders_import(integration=source, items=[item])
        if result.status == "created":
            shown.append(groups)
    assert shown, "no order with the corpus was accepted"
    contact = Contact.objects.get(member=buyer)
    page_markers = [m for groups in shown for g in (groups[0], groups[1]) for m in markers(g)]
    pages.check(manager, _reverse("stores:contact", contact.pk), shows=page_markers)
    mine = [m for groups in shown for g in (groups[2], groups[3]) for m in markers(g)]
    pages.check(buyer, _reverse("stores:mine"), shows=mine)
    pages.admin(contact, Order.objects.filter(contact=contact).first())
