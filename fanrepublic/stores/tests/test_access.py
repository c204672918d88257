"""Who may use each stores page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). The store manager runs one store (theirs); the
network's operators and founders run every store; members check in and see their own
records; purchases arrive only with an integration's token."""

from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.stores import services
from fanrepublic.stores.checkin_codes import screen_code
from fanrepublic.stores.purchases import orders_import

from .factories import ContactFactory, StoreFactory, pos, sale

NETWORK = ("operator", "founder")
DESK = ("store_manager", *NETWORK)


def store(w):
    """The store the world's store manager runs."""
    return w.once("store", lambda: StoreFactory(manager=w.user("store_manager")))


def slug(w):
    return {"slug": store(w).slug}


def customer(w):
    """A customer the store knows (not a member)."""

    def build():
        contact = ContactFactory()
        contact.stores.add(store(w))
        return contact

    return w.once("customer", build)


def linked(w):
    """A customer record of the store linked to the world's member."""

    def build():
        contact = customer(w)
        code, _ = services.link_code_create(member=w.member)
        return services.contact_link(actor=store(w).manager, contact=contact, code=code)

    return w.once("linked", build)


def sold_serial(w):
    def build():
        ProductLineFactory(slug="orange-15")
        line = {
            "sku": "O15",
            "product": "orange-15",
            "quantity": 1,
            "unit_price": "1.00",
            "serial_number": "SN-77",
        }
        orders_import(integration=pos(), items=[sale("S77", lines=[line])])
        return "SN-77"

    return w.once("serial", build)


def code(w):
    return w.once("code", lambda: services.link_code_create(member=w.member)[0])


def contact_id(w):
    return {"contact_id": customer(w).pk}


ACCESS = (
    page("stores:index", EVERYONE),
    page("stores:store", EVERYONE, args=slug),
    page(
        "stores:check_in",
        SIGNED_IN,
        args=lambda w: {"slug": store(w).slug, "code": screen_code(store(w))},
        visitor=302,
    ),
    page(
        "stores:check_in",
        SIGNED_IN,
        ok=302,
        method="post",
        args=lambda w: {"slug": store(w).slug, "code": screen_code(store(w))},
        visitor=302,
        note="a wrong or expired code answers 404 to everyone (test_views, test_checkin_codes)",
    ),
    page("stores:mine", SIGNED_IN, visitor=302),
    page("stores:mine_link_code", SIGNED_IN, method="post", visitor=302),
    page(
        "stores:mine_serial",
        SIGNED_IN,
        ok=302,
        method="post",
        data=lambda w: {"serial_number": sold_serial(w)},
        visitor=302,
    ),
    page(
        "stores:mine_unlink",
        (MEMBER,),
        ok=302,
        method="post",
        args=lambda w: {"pk": linked(w).pk},
        visitor=302,
        note="only the member's own record, from their own page; operators unlink on the desk",
    ),
    page("stores:desk", DESK, visitor=302),
    page("stores:store_new", NETWORK, visitor=302),
    page("stores:purchases_upload", DESK, visitor=302),
    page("stores:desk_store", DESK, args=slug, visitor=302),
    page("stores:store_edit", NETWORK, args=slug, visitor=302),
    page("stores:desk_qr", DESK, args=slug, visitor=302),
    page(
        "stores:desk_qr_screen",
        DESK,
        args=slug,
        visitor=302,
        note="the desk's QR code polled by htmx; an htmx visitor is sent to sign in (test_views)",
    ),
    page("stores:desk_qr_rotate", DESK, ok=302, method="post", args=slug, visitor=302),
    page(
        "stores:desk_add_customer",
        DESK,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"phone": "13800138000", "name": "Li Lei"},
        visitor=302,
    ),
    page(
        "stores:desk_staff",
        DESK,
        ok=302,
        method="post",
        args=slug,
        data=lambda w: {"usernames": w.member.username},
        visitor=302,
        note="only the manager and the network name staff (test_views: store staff get 403)",
    ),
    page(
        "stores:desk_visit",
        DESK,
        ok=302,
        method="post",
        args=lambda w: {"slug": store(w).slug, "pk": customer(w).pk},
        visitor=302,
    ),
    page("stores:contact", DESK, args=lambda w: {"pk": customer(w).pk}, visitor=302),
    page(
        "stores:contact_link",
        DESK,
        ok=302,
        method="post",
        args=lambda w: {"pk": customer(w).pk},
        data=lambda w: {"code": code(w)},
        visitor=302,
    ),
    page(
        "stores:contact_unlink",
        NETWORK,
        ok=302,
        method="post",
        args=lambda w: {"pk": linked(w).pk},
        data=lambda w: {"reason": "The member asked by phone."},
        visitor=302,
        note="the store manager sees the customer but unlinking is the network's (audited)",
    ),
    api("GET /api/v1/stores", EVERYONE),
    api(
        "POST /api/v1/stores/orders",
        (),
        others=401,
        data=lambda w: {"orders": [sale("A1")]},
        note="an integration's token only (test_api)",
    ),
    api(
        "POST /api/v1/stores/check-in",
        SIGNED_IN,
        ok=201,
        data=lambda w: {"store": store(w).slug, "code": screen_code(store(w))},
        visitor=401,
    ),
    api("GET /api/v1/stores/me", SIGNED_IN, visitor=401),
    api("POST /api/v1/stores/me/link-code", SIGNED_IN, ok=201, visitor=401),
    api(
        "POST /api/v1/stores/me/serials",
        SIGNED_IN,
        ok=201,
        data=lambda w: {"serial_number": sold_serial(w)},
        visitor=401,
    ),
    api("GET /api/v1/stores/desk/{slug}/customers", DESK, args=slug, visitor=401),
    api(
        "POST /api/v1/stores/desk/{slug}/customers",
        DESK,
        ok=201,
        args=slug,
        data=lambda w: {"phone": "13800138000"},
        visitor=401,
    ),
    api(
        "POST /api/v1/stores/desk/{slug}/visits",
        DESK,
        ok=201,
        args=slug,
        data=lambda w: {"customer": customer(w).pk},
        visitor=401,
    ),
    api("GET /api/v1/stores/customers/{contact_id}", DESK, args=contact_id, visitor=401),
    api(
        "POST /api/v1/stores/customers/{contact_id}/link",
        DESK,
        args=contact_id,
        data=lambda w: {"code": code(w)},
        visitor=401,
    ),
    api(
        "POST /api/v1/stores/customers/{contact_id}/unlink",
        (MEMBER, *NETWORK),
        args=lambda w: {"contact_id": linked(w).pk},
        data=lambda w: {"reason": "Asked to."},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
