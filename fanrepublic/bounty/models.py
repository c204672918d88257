from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import ReportStatus, Severity


class RewardTier(models.Model):
    """The reward table: popcorn points for a valid report by severity, per product line
    or (without one) for every product."""

    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bounty_tiers",
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    points = models.PositiveIntegerField(_("points"))

    class Meta:
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward table")
        ordering = ["product_line_id", "points"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_line", "severity"], condition=Q(product_line__isnull=False), name="tier_once"
            ),
            models.UniqueConstraint(
                fields=["severity"], condition=Q(product_line__isnull=True), name="default_tier_once"
            ),
        ]

    def __str__(self):
        return f"{self.product_line or '*'} {self.severity}: {self.points}"


class BountyReport(models.Model):
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="bounty_reports",
    )
    release = models.ForeignKey(
        "releases.Release",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="bounty_reports",
        help_text=_("The version the bug was found in."),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bounty_reports"
    )
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps to reproduce"), max_length=5000)
    expected = models.TextField(_("expected result"), max_length=2000)
    actual = models.TextField(_("actual result"), max_length=2000)
    claimed_severity = models.CharField(
        _("severity (your estimate)"), max_length=20, choices=Severity.choices
    )
    is_security = models.BooleanField(
        _("security vulnerability"),
        default=False,
        help_text=_("Private to you and the security team until a fix ships and it is disclosed."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    reward = models.OneToOneField(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fixed_in = models.ForeignKey(
        "releases.Release", null=True, blank=True, on_delete=models.PROTECT, related_name="fixed_reports"
    )
    disclosed_at = models.DateTimeField(_("disclosed"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    search_document = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("filed"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("bug report")
        verbose_name_plural = _("bug reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "is_security", "created_at"], name="bounty_queue")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="duplicate_names_original",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        return reverse("bounty:report", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return not self.is_security or self.disclosed_at is not None


class ReportMessage(models.Model):
    """The conversation on a report: triage asking for information, the reporter
    answering. Internal notes are for staff only."""

    report = models.ForeignKey(BountyReport, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=5000)
    body_html = models.TextField(editable=False)
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report message")
        verbose_name_plural = _("report messages")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"message on #{self.report_id}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(BountyReport, on_delete=models.CASCADE, related_name="attachments")
    image = models.ImageField(upload_to="bounty/%Y/%m/")
    content_type = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.image.name
