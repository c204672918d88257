"""Stores, the customers they know, their visits and purchases. Fields and constraints
only; behaviour lives in services.py."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import ContactOrigin, OrderKind, SalesChannel, VisitSource


class Store(BilingualMixin, models.Model):
    """A physical store, run by one store manager with a team of staff."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    city = models.CharField(_("city (English)"), max_length=60)
    city_zh = models.CharField(_("city (Chinese)"), max_length=60, blank=True)
    address = models.CharField(_("address (English)"), max_length=200)
    address_zh = models.CharField(_("address (Chinese)"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    opening_hours_zh = models.CharField(_("opening hours (Chinese)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("store manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stores_managed",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="stores_staffed"
    )
    # The secret the check-in codes are derived from (checkin_codes: a screen code per
    # minute, a printed code per day); never shown. Rotating it voids every code.
    checkin_key = models.CharField(_("check-in key"), max_length=40)
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["city", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stores:store", args=[self.slug])

    @property
    def display_name(self) -> str:
        return self.localized("name")

    @property
    def display_city(self) -> str:
        return self.localized("city")

    @property
    def display_address(self) -> str:
        return self.localized("address")

    @property
    def display_hours(self) -> str:
        return self.localized("opening_hours")


class SalesSource(models.Model):
    """What an integration that reports sales may say: the stores whose tills it is,
    whether it also sells online, and whether it may name members. A store's point of
    sale knows a phone number at most; only a shop where members sign in (the online
    shop) knows who they are, so only such a source may attach a sale to a member id."""

    integration = models.OneToOneField(
        "activity.Integration",
        verbose_name=_("integration"),
        on_delete=models.CASCADE,
        related_name="sales_source",
    )
    all_stores = models.BooleanField(
        _("reports for every store"),
        default=False,
        help_text=_("The chain's central point of sale: every store, including stores opened later."),
    )
    stores = models.ManyToManyField(
        Store, verbose_name=_("stores it reports for"), related_name="sales_sources", blank=True
    )
    sells_online = models.BooleanField(_("reports online sales"), default=False)
    names_members = models.BooleanField(
        _("may name members"),
        default=False,
        help_text=_("Only for a shop where members sign in: its orders may carry the member's id."),
    )

    class Meta:
        verbose_name = _("sales source")
        verbose_name_plural = _("sales sources")

    def __str__(self):
        return str(self.integration)


class Contact(models.Model):
    """A customer as the brand's stores and chat know them. A contact may be linked to a
    member (with the member's consent); until then it is a customer who is not (yet) a
    member. One person is one contact: phone and WeCom identity are unique."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    # E.164 (+8613800138000), normalised by the service so two spellings are one person.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    wecom_external_userid = models.CharField(_("WeCom external contact id"), max_length=64, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="store_contacts",
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=ContactOrigin.choices)
    stores = models.ManyToManyField(Store, through="StoreCustomer", related_name="contacts", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="contact_phone_once"),
            models.UniqueConstraint(
                fields=["wecom_external_userid"],
                condition=~Q(wecom_external_userid=""),
                name="contact_wecom_once",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("stores:contact", args=[self.pk])

    @property
    def label(self) -> str:
        if self.member_id and not self.name:
            return self.member.public_name
        return self.name or self.masked_phone or _("Customer #%(id)s") % {"id": self.pk}

    @property
    def masked_phone(self) -> str:
        """The phone as lists show it: enough to recognise, not enough to copy."""
        if len(self.phone) < 8:
            return self.phone
        return f"{self.phone[:-8]}****{self.phone[-4:]}"


class StoreCustomer(models.Model):
    """A contact known to a store: what lets that store's manager and staff see them."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customers")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="store_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("known since"), auto_now_add=True)

    class Meta:
        verbose_name = _("store customer")
        verbose_name_plural = _("store customers")
        constraints = [models.UniqueConstraint(fields=["store", "contact"], name="store_customer_once")]

    def __str__(self):
        return f"{self.contact_id}@{self.store_id}"


class LinkCode(models.Model):
    """A one-time code a member shows to store staff: giving it is the member's consent
    to join the store's record of them to their account. Only a hash is stored."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("link code")
        verbose_name_plural = _("link codes")

    def __str__(self):
        return f"link code of {self.member_id}"


class Visit(models.Model):
    """A customer in a store: once per store, customer and day."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="visits")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="visits")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="store_visits",
    )
    source = models.CharField(_("source"), max_length=10, choices=VisitSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField(_("visited at"))
    visit_day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("store visit")
        verbose_name_plural = _("store visits")
        ordering = ["-visited_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "contact", "visit_day"], name="visit_once_a_day"),
        ]
        indexes = [models.Index(fields=["store", "visit_day"], name="visit_store_day")]

    def __str__(self):
        return f"{self.contact_id} at {self.store_id} on {self.visit_day}"


class Order(models.Model):
    """A sale or a refund from a point of sale or the online shop, as its source system
    sent it. (integration, external id) is the idempotency key: the same order sent
    again, by API or in a CSV file, is stored once; `fingerprint` tells a true replay
    from a different order reusing an id."""

    integration = models.ForeignKey(
        "activity.Integration", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("order number"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices, default=OrderKind.SALE)
    refund_of = models.ForeignKey(
        "self",
        verbose_name=_("refund of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=SalesChannel.choices)
    store = models.ForeignKey(
        Store, verbose_name=_("store"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="store_orders",
    )
    occurred_at = models.DateTimeField(_("time"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    fingerprint = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], name="order_once_per_source"),
            models.CheckConstraint(
                condition=Q(kind=OrderKind.SALE, refund_of__isnull=True)
                | Q(kind=OrderKind.REFUND, refund_of__isnull=False),
                name="order_refund_names_its_sale",
            ),
            models.CheckConstraint(
                condition=~Q(channel=SalesChannel.STORE) | Q(store__isnull=False),
                name="order_in_store_names_store",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["store", "occurred_at"], name="order_store_time"),
            models.Index(fields=["contact", "occurred_at"], name="order_contact_time"),
        ]

    def __str__(self):
        return f"{self.integration_id}:{self.external_id}"

    @property
    def signed_total(self) -> Decimal:
        return -self.total if self.kind == OrderKind.REFUND else self.total


class OrderLine(models.Model):
    """One line of an order. A refund's lines name the sale lines they give back."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sku = models.CharField(_("SKU"), max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    refunds_line = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunded_by"
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="order_line_position_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_not_negative"),
        ]
        indexes = [
            models.Index(fields=["serial_number"], condition=~Q(serial_number=""), name="order_line_serial"),
            # A product's sales by SKU (an adopted idea's royalties).
            models.Index(fields=["sku"], name="order_line_sku"),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.position} {self.sku}×{self.quantity}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class SerialRegistration(models.Model):
    """A member registering the serial number of a product sold through a store or the
    online shop: proof of ownership when the purchase was not linked to them."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="serials")
    serial_number = models.CharField(_("serial number"), max_length=64)
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registered serial number")
        verbose_name_plural = _("registered serial numbers")
        constraints = [models.UniqueConstraint(fields=["serial_number"], name="serial_registered_once")]

    def __str__(self):
        return self.serial_number
