from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from fanrepublic.core.i18n import BilingualMixin

from .enums import OrderStatus, RewardKind


class Reward(BilingualMixin, models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices, default=RewardKind.PRODUCT)
    image = models.ImageField(_("image"), upload_to="rewards/", blank=True)
    price_points = models.PositiveIntegerField(_("price in points"))
    retail_price = models.DecimalField(
        _("retail price (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What the item sells for in the brand's shops; it sets what a point is worth in yuan."),
    )
    stock = models.PositiveIntegerField(_("stock"))
    per_member_limit = models.PositiveIntegerField(_("limit per member"), null=True, blank=True)
    min_trust_level = models.PositiveSmallIntegerField(_("minimum trust level"), default=0)
    required_badges = models.ManyToManyField(
        "badges.Badge",
        verbose_name=_("badges required"),
        blank=True,
        related_name="+",
        help_text=_("Members must hold every one of these."),
    )
    regions = CountryField(
        _("regions"),
        multiple=True,
        blank=True,
        help_text=_("Only members in these countries or regions; none means everywhere."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["position", "price_points"]
        constraints = [
            models.CheckConstraint(condition=Q(price_points__gt=0), name="reward_price_positive"),
            models.CheckConstraint(condition=Q(retail_price__gt=0), name="reward_retail_price_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rewards:detail", args=[self.slug])

    @property
    def display_name(self):
        return self.localized("name")

    @property
    def display_description(self):
        return self.localized("description")


class Order(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reward_orders"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="orders")
    idempotency_key = models.CharField(max_length=200, unique=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points_total = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    shipping_name = models.CharField(_("recipient"), max_length=100, blank=True)
    shipping_phone = models.CharField(_("phone"), max_length=30, blank=True)
    shipping_address = models.TextField(_("shipping address"), max_length=500, blank=True)
    voucher_code = models.CharField(_("voucher code"), max_length=100, blank=True)
    tracking = models.CharField(_("tracking number"), max_length=100, blank=True)
    debit = models.OneToOneField("points.Transaction", null=True, on_delete=models.PROTECT, related_name="+")
    refund = models.OneToOneField(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Not stored: True when reward_redeem returned the order already placed under the
    # request's idempotency key (a retry), so only one caller hears "created".
    replayed = False

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="order_quantity_positive")]
        indexes = [models.Index(fields=["status", "created_at"], name="order_queue")]

    def __str__(self):
        return f"order {self.pk}: {self.quantity} × {self.reward_id}"
