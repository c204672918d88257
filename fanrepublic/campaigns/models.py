"""All-or-nothing pre-order campaigns paid in yuan.

Backers pay a deposit per unit (through payments); deposits are held in the campaign's
escrow account in the ledger. At the deadline the campaign is settled once: the goal met,
every held deposit is captured (escrow → revenue, one posting); not met, every deposit is
refunded in full. The counters on the campaign row are the held backings, changed in the
same transaction as each backing under the campaign row's lock."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import LIVE, BackingStatus, CampaignStatus


class Campaign(BilingualMixin, models.Model):
    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title (English)"), max_length=120)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    product = models.CharField(_("product (English)"), max_length=120)
    product_zh = models.CharField(_("product (Chinese)"), max_length=120, blank=True)
    description = models.TextField(_("description (English, Markdown)"), max_length=10000)
    description_zh = models.TextField(_("description (Chinese, Markdown)"), max_length=10000, blank=True)
    image = models.ImageField(_("image"), upload_to="campaigns/", blank=True)
    image_zh = models.ImageField(_("image for Chinese readers"), upload_to="campaigns/", blank=True)
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    unit_price_fen = models.BigIntegerField(_("unit price (fen)"))
    deposit_fen = models.BigIntegerField(_("deposit per unit (fen)"))
    goal_fen = models.BigIntegerField(_("goal in pre-orders (fen)"), null=True, blank=True)
    goal_units = models.PositiveIntegerField(_("goal in units"), null=True, blank=True)
    per_member_limit = models.PositiveIntegerField(_("units per member at most"), default=2)
    min_trust_level = models.PositiveSmallIntegerField(_("lowest trust level"), default=0)
    owners_only = models.BooleanField(_("verified owners of the product line only"), default=False)
    min_member_days = models.PositiveIntegerField(_("member for at least (days)"), default=0)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # The held backings: what the progress bar, the backer count and settlement read.
    backer_count = models.PositiveIntegerField(_("backers"), default=0)
    units_held = models.PositiveIntegerField(_("units"), default=0)
    deposits_held_fen = models.BigIntegerField(_("deposits held (fen)"), default=0)

    class Meta:
        verbose_name = _("pre-order campaign")
        verbose_name_plural = _("pre-order campaigns")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price_fen__gt=0), name="campaign_price_positive"),
            models.CheckConstraint(
                condition=Q(deposit_fen__gt=0) & Q(deposit_fen__lte=models.F("unit_price_fen")),
                name="campaign_deposit_within_price",
            ),
            models.CheckConstraint(
                condition=Q(goal_fen__isnull=False) | Q(goal_units__isnull=False), name="campaign_has_a_goal"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="campaign_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(deposits_held_fen__gte=0), name="campaign_deposits_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:campaign", args=[self.slug])

    @property
    def display_title(self) -> str:
        return self.localized("title")

    @property
    def display_product(self) -> str:
        return self.localized("product")

    @property
    def pledged_fen(self) -> int:
        """The value of the units pre-ordered (what a yuan goal counts)."""
        return self.units_held * self.unit_price_fen

    @property
    def goal_met(self) -> bool:
        return (self.goal_fen is None or self.pledged_fen >= self.goal_fen) and (
            self.goal_units is None or self.units_held >= self.goal_units
        )

    @property
    def progress_percent(self) -> int:
        """Progress towards the goal (the further behind of the two when both are set)."""
        shares = []
        if self.goal_fen:
            shares.append(self.pledged_fen * 100 // self.goal_fen)
        if self.goal_units:
            shares.append(self.units_held * 100 // self.goal_units)
        return min(shares) if shares else 0

    @property
    def progress_capped(self) -> int:
        return min(self.progress_percent, 100)


class Backing(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="backings")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="backings"
    )
    units = models.PositiveIntegerField(_("units"))
    deposit_fen = models.BigIntegerField(_("deposit (fen)"))
    status = models.CharField(
        _("status"), max_length=10, choices=BackingStatus.choices, default=BackingStatus.PENDING
    )
    payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="backing"
    )
    created_at = models.DateTimeField(_("backed"), auto_now_add=True)
    held_at = models.DateTimeField(_("deposit paid"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        verbose_name = _("backing")
        verbose_name_plural = _("backings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=Q(status__in=LIVE),
                name="one_live_backing_per_member",
            ),
            models.CheckConstraint(condition=Q(units__gt=0) & Q(deposit_fen__gt=0), name="backing_positive"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="backing_campaign_status")]

    def __str__(self):
        return f"{self.campaign} × {self.units}"


class CampaignUpdate(BilingualMixin, models.Model):
    """News from the team (a stretch goal, a delay), sent to every backer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(_("title (English)"), max_length=120)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    body = models.TextField(_("text (English, Markdown)"), max_length=5000)
    body_zh = models.TextField(_("text (Chinese, Markdown)"), max_length=5000, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign update")
        verbose_name_plural = _("campaign updates")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return self.localized("title")
