"""Flash sales: a limited batch of units that opens at a set time.

Every unit is a row (`Unit`, numbered 1..n), so buyers claim different rows at once
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL) instead of queueing on one stock
counter; a unit is free, held for one buyer for a few minutes while they pay, or sold —
the row's state, changed under its lock, is what makes "never sold twice" true.
Members wait in a waiting room (`Entrant`): those who arrive before the opening are put
in a random order drawn from a seed committed to in advance; later ones queue behind in
arrival order, and places are let in a batch a second."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import HoldStatus, SaleStatus, UnitState


class FlashSale(BilingualMixin, models.Model):
    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title (English)"), max_length=120)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    product = models.CharField(_("product (English)"), max_length=120)
    product_zh = models.CharField(_("product (Chinese)"), max_length=120, blank=True)
    description = models.TextField(_("description (English, Markdown)"), max_length=10000)
    description_zh = models.TextField(_("description (Chinese, Markdown)"), max_length=10000, blank=True)
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    price_fen = models.BigIntegerField(_("price to reserve (fen)"))
    units = models.PositiveIntegerField(_("units"))
    per_member_limit = models.PositiveIntegerField(_("units per member at most"), default=1)
    hold_seconds = models.PositiveIntegerField(_("seconds a unit is held while the buyer pays"), default=300)
    admit_per_second = models.PositiveIntegerField(_("waiting-room places let in a second"), default=200)
    min_trust_level = models.PositiveSmallIntegerField(_("lowest trust level"), default=0)
    min_member_days = models.PositiveIntegerField(_("member for at least (days)"), default=0)
    owners_only = models.BooleanField(_("verified owners of the product line only"), default=False)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(
        _("status"), max_length=10, choices=SaleStatus.choices, default=SaleStatus.DRAFT
    )
    # The waiting room's draw: the seed's SHA-256 is public from scheduling, the seed from
    # the draw on, so anyone can recompute the order of those who came early.
    seed = models.CharField(max_length=64)
    seed_sha256 = models.CharField(_("seed's SHA-256"), max_length=64)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    drawn_count = models.PositiveIntegerField(_("entrants in the draw"), default=0)
    sold_out_at = models.DateTimeField(_("sold out"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sales")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price_fen__gt=0), name="flashsale_price_positive"),
            models.CheckConstraint(condition=Q(units__gt=0), name="flashsale_units_positive"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="flashsale_closes_after"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("flashsales:sale", args=[self.slug])

    @property
    def display_title(self) -> str:
        return self.localized("title")

    @property
    def display_product(self) -> str:
        return self.localized("product")


class Entrant(models.Model):
    """A member in a sale's waiting room, with their place once it is known."""

    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="entrants")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)
    position = models.PositiveIntegerField(_("place in the queue"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("reservation attempts"), default=0)

    class Meta:
        verbose_name = _("waiting-room entrant")
        verbose_name_plural = _("waiting-room entrants")
        constraints = [models.UniqueConstraint(fields=["sale", "member"], name="one_entrant_per_member")]
        indexes = [models.Index(fields=["sale", "position"], name="entrant_sale_position")]

    def __str__(self):
        return f"{self.sale} #{self.position}"


class Hold(models.Model):
    """One unit held for one member while they pay; paid, it is their purchase."""

    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="holds")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_number = models.PositiveIntegerField(_("unit"))
    status = models.CharField(_("status"), max_length=10, choices=HoldStatus.choices, default=HoldStatus.HELD)
    payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="flash_hold"
    )
    created_at = models.DateTimeField(_("held"), auto_now_add=True)
    expires_at = models.DateTimeField(_("held until"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The Redis stream entry that decided the hold (admission.py), when Redis decided it:
    # a batch the writer stores again after a crash finds its holds by it.
    ticket = models.CharField(_("admission ticket"), max_length=32, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sale", "member", "status"], name="hold_sale_member_status"),
            models.Index(fields=["status", "expires_at"], name="hold_status_expires"),
        ]

    def __str__(self):
        return f"{self.sale} unit {self.unit_number}"


class Unit(models.Model):
    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="unit_rows")
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(_("state"), max_length=5, choices=UnitState.choices, default=UnitState.FREE)
    hold = models.OneToOneField(Hold, null=True, blank=True, on_delete=models.SET_NULL, related_name="unit")
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["sale", "number"], name="one_unit_per_number"),
            # A held or sold unit names its hold; a free one names none.
            models.CheckConstraint(
                condition=(Q(state="free") & Q(hold__isnull=True))
                | (~Q(state="free") & Q(hold__isnull=False)),
                name="unit_hold_matches_state",
            ),
        ]
        indexes = [models.Index(fields=["sale", "state", "number"], name="unit_sale_state_number")]

    def __str__(self):
        return f"{self.sale} unit {self.number}"
