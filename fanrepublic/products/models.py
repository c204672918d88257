from django.db import models
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin


class ProductKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    CAR = "car", _("Car")
    HOME = "home", _("Home appliance")
    WEARABLE = "wearable", _("Wearable")
    OTHER = "other", _("Other")


class ProductLine(BilingualMixin, models.Model):
    """A product line (a phone series, a car, an appliance family). Forum boards,
    committees, releases and ideas hang off product lines."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.localized("name")
