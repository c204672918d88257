from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from . import sources
from .enums import Channel, ItemKind, ItemSource, ReleaseStatus, Weekday


class ReleaseCadence(models.Model):
    """When a product line ships: a weekday ("Orange Friday" by default), an hour, and a
    freeze that many hours before, after which nothing is added to the release."""

    product_line = models.OneToOneField(
        "products.ProductLine", on_delete=models.CASCADE, related_name="release_cadence"
    )
    weekday = models.PositiveSmallIntegerField(
        _("release day"), choices=Weekday.choices, default=Weekday.FRIDAY
    )
    publish_hour = models.PositiveSmallIntegerField(_("release hour (local time)"), default=10)
    freeze_hours = models.PositiveSmallIntegerField(_("freeze, hours before release"), default=48)

    class Meta:
        verbose_name = _("release cadence")
        verbose_name_plural = _("release cadences")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="cadence_weekday"),
            models.CheckConstraint(condition=Q(publish_hour__lte=23), name="cadence_hour"),
        ]

    def __str__(self):
        return f"{self.product_line}: {self.get_weekday_display()}"


class Release(BilingualMixin, models.Model):
    product_line = models.ForeignKey(
        "products.ProductLine", verbose_name=_("product"), on_delete=models.PROTECT, related_name="releases"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.STABLE)
    version = models.CharField(_("version"), max_length=40)
    planned_for = models.DateField(_("release date"))
    freeze_at = models.DateTimeField(_("freeze"))
    notes = models.TextField(_("highlights (English)"), blank=True)
    notes_zh = models.TextField(_("highlights (Chinese)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReleaseStatus.choices, default=ReleaseStatus.PLANNED
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-planned_for", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_line", "channel", "version"], name="release_version_once"
            )
        ]

    def __str__(self):
        return f"{self.product_line} {self.version}"

    def get_absolute_url(self):
        return reverse("releases:release", args=[self.product_line.slug, self.version])

    @property
    def display_name(self) -> str:
        return f"{self.product_line.display_name} {self.version}"

    @property
    def display_notes(self) -> str:
        return self.localized("notes")

    @property
    def is_published(self) -> bool:
        return self.status == ReleaseStatus.PUBLISHED

    def is_frozen(self, now=None) -> bool:
        return (now or timezone.now()) >= self.freeze_at


class ReleaseItem(BilingualMixin, models.Model):
    """One line of the changelog, linked to what it came from: a forum topic (`topic`),
    or an object of a source another app registers (`releases.sources`): the source's
    key in `source_type` and the object's primary key in `source_id`."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.FEATURE)
    source = models.CharField(_("came from"), max_length=20, choices=sources.choices)
    user_contributed = models.BooleanField(_("user-contributed"))
    topic = models.ForeignKey(
        "forum.Topic", null=True, blank=True, on_delete=models.PROTECT, related_name="release_items"
    )
    source_type = models.CharField(_("source"), max_length=sources.KEY_MAX, blank=True, default="")
    source_id = models.PositiveBigIntegerField(_("number at the source"), null=True, blank=True)
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="release_items",
    )
    outside_url = models.URLField(_("link to the contribution"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("release item")
        verbose_name_plural = _("release items")
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="release_item_source")]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "topic"], condition=Q(topic__isnull=False), name="release_item_topic_once"
            ),
            models.UniqueConstraint(
                fields=["release", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="release_item_source_once",
            ),
            models.CheckConstraint(
                condition=Q(source_type="", source_id__isnull=True)
                | (~Q(source_type="") & Q(source_id__isnull=False)),
                name="release_item_source_type_with_id",
            ),
            models.CheckConstraint(
                condition=Q(user_contributed=False, source=ItemSource.INTERNAL)
                | (Q(user_contributed=True) & ~Q(source=ItemSource.INTERNAL)),
                name="release_item_contributed_matches_source",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return self.localized("title")

    @property
    def source_label(self) -> str:
        """Where it came from, in the reader's language (a registered source's label)."""
        declared = sources.get(self.source_type)
        return str(declared.label) if declared is not None else self.get_source_display()
