from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin


class BadgeTier(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    LEGEND = "legend", _("Legend")


class Badge(BilingualMixin, models.Model):
    """A badge. With `criteria` it is earned automatically when a member meets all of
    them (see badges/criteria.py); without, staff grant it by hand with a reason."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, blank=True)
    description = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    icon = models.CharField(_("icon"), max_length=2, default="★", help_text=_("One or two characters."))
    tier = models.CharField(_("tier"), max_length=10, choices=BadgeTier.choices, default=BadgeTier.BRONZE)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    is_visible = models.BooleanField(_("shown on profiles"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.localized("name")

    @property
    def display_description(self):
        return self.localized("description")

    @property
    def is_automatic(self) -> bool:
        return bool(self.criteria)


class MemberBadge(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="holders")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("member badge")
        verbose_name_plural = _("member badges")
        constraints = [models.UniqueConstraint(fields=["member", "badge"], name="badge_once_per_member")]

    def __str__(self):
        return f"{self.badge_id} → {self.member_id}"


class Perk(BilingualMixin, models.Model):
    """A limited experience (a VIP seat at a launch, lunch with the founder, a test
    drive) that needs badges and/or costs points. Bound to the member who claims it
    unless an operator allows transfer for this perk."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    required_badges = models.ManyToManyField(Badge, verbose_name=_("badges required"), blank=True)
    price_points = models.PositiveIntegerField(_("price in points"), default=0)
    quantity = models.PositiveIntegerField(_("places"))
    remaining = models.PositiveIntegerField(_("places left"))
    happens_at = models.DateTimeField(_("date"))
    transferable = models.BooleanField(
        _("transferable"), default=False, help_text=_("Allow holders to hand their place to another member.")
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("perk")
        verbose_name_plural = _("perks")
        ordering = ["happens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remaining__lte=models.F("quantity")), name="perk_remaining_le_qty"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.localized("name")

    @property
    def display_description(self):
        return self.localized("description")


class PerkClaim(models.Model):
    perk = models.ForeignKey(Perk, on_delete=models.PROTECT, related_name="claims")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="perk_claims")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    debit = models.OneToOneField(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perk place")
        verbose_name_plural = _("perk places")
        constraints = [models.UniqueConstraint(fields=["perk", "holder"], name="one_place_per_member")]

    def __str__(self):
        return f"{self.perk_id} held by {self.holder_id}"


class PerkTransfer(models.Model):
    """Every hand-over of a place: who, to whom, when, why. Nothing silent."""

    claim = models.ForeignKey(PerkClaim, on_delete=models.PROTECT, related_name="transfers")
    from_member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perk transfer")
        verbose_name_plural = _("perk transfers")

    def __str__(self):
        return f"{self.claim_id}: {self.from_member_id} → {self.to_member_id}"
