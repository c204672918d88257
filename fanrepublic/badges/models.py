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
