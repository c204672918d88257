"""What the stores app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): stores and their staff, customers (contacts), visits,
purchases from points of sale and the online shop, and verified ownership from them."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, Verb

from . import permissions

ORDERS_ENDPOINT = "/api/v1/stores/orders"

CAPABILITY = Capability(
    label="stores",
    pages=Pages("stores/", "fanrepublic.stores.urls"),
    api=Api("/stores", "fanrepublic.stores.api:router"),
    verbs=(
        Verb(
            "stores.purchase.recorded",
            _("A sale from a point of sale or the online shop was imported."),
            external=True,
            endpoint=ORDERS_ENDPOINT,
        ),
        Verb(
            "stores.purchase.refunded",
            _("A refund of an imported sale was imported."),
            external=True,
            endpoint=ORDERS_ENDPOINT,
        ),
        Verb(
            "stores.visit.recorded", _("A customer visited a store (scanned its QR code or staff noted it).")
        ),
        Verb("stores.contact.added", _("Store staff added a customer they met.")),
        Verb(
            "stores.contact.linked", _("A customer record was linked to a member, with the member's consent.")
        ),
        Verb("stores.contact.unlinked", _("A customer record was unlinked from a member.")),
        Verb(
            "stores.serial.registered", _("A member registered the serial number of a product they bought.")
        ),
    ),
    nav=(
        NavEntry("take_part", _("Stores"), "stores:index", order=70),
        NavEntry("staff", _("Store desk"), "stores:desk", permissions.can_use_desk, order=45),
        NavEntry("account", _("My stores and purchases"), "stores:mine", order=25),
    ),
    demo=(DemoStep("stores", "fanrepublic.stores.demo:seed", after=("members.accounts", "products")),),
    second_factor_for="fanrepublic.stores.permissions.reaches_customers",
    integration_keepers="fanrepublic.stores.permissions.keeps_integration",
)
