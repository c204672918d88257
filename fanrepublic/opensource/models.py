"""The open-source programme (代码开源运动): repositories the brand opens to members, the
contributor licence agreement, git accounts linked to members, contributions recorded
from the hosts' webhooks or entered and approved, and the titles they earn."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import ContributionKind, ContributionState, DeliveryOutcome, Host, TitleRank


class Repository(models.Model):
    """A repository on GitHub or Gitee opened to members. Its webhook posts to
    /opensource/hooks/<id>/, signed with `webhook_secret` (one secret per repository, so
    a leaked one forges deliveries for that repository only)."""

    host = models.CharField(_("host"), max_length=10, choices=Host.choices)
    full_name = models.CharField(_("repository"), max_length=200, help_text=_("owner/name, as on the host"))
    description = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=100)
    is_open = models.BooleanField(_("open to members"), default=True)
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The product its code ships in: its merged changes are offered to that product's releases."
        ),
    )
    maintainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("maintainers"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("repository")
        verbose_name_plural = _("repositories")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(fields=["host", "full_name"], name="repository_once_per_host")]

    def __str__(self):
        return f"{self.get_host_display()}: {self.full_name}"

    def get_absolute_url(self):
        return reverse("opensource:repository", args=[self.pk])

    @property
    def url(self) -> str:
        return f"https://{'github.com' if self.host == Host.GITHUB else 'gitee.com'}/{self.full_name}"


class LicenceAgreement(models.Model):
    """A version of the contributor licence agreement. Versions are never edited."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body = models.TextField(_("text (English)"))
    body_zh = models.TextField(_("text (Chinese)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("contributor licence agreement")
        verbose_name_plural = _("contributor licence agreements")
        ordering = ["-version"]

    def __str__(self):
        return f"CLA v{self.version}"

    @property
    def digest(self) -> str:
        """What the contributor was shown, in 16 hex digits (an acceptance names it)."""
        return hashlib.sha256(f"{self.version}\n{self.body}\n{self.body_zh}".encode()).hexdigest()[:16]


class LicenceAcceptance(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(LicenceAgreement, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("accepted at"))

    class Meta:
        verbose_name = _("licence acceptance")
        verbose_name_plural = _("licence acceptances")
        constraints = [models.UniqueConstraint(fields=["member", "agreement"], name="cla_accepted_once")]

    def __str__(self):
        return f"{self.member_id} v{self.agreement_id}"


class GitAccount(models.Model):
    """A member's account on a host. Claimed with a code the member gets here; verified
    when a signed webhook delivery shows that account (the host's authenticated sender)
    writing the code in an opened repository — the host vouches for who wrote it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="git_accounts"
    )
    host = models.CharField(_("host"), max_length=10, choices=Host.choices)
    login = models.CharField(_("login"), max_length=100, blank=True)
    account_id = models.CharField(_("account id on the host"), max_length=40, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("git account")
        verbose_name_plural = _("git accounts")
        constraints = [
            # One verified link per host account: a second member cannot claim it.
            models.UniqueConstraint(
                fields=["host", "account_id"], condition=Q(verified_at__isnull=False), name="git_account_once"
            ),
            models.UniqueConstraint(fields=["member", "host"], name="git_account_one_per_host_per_member"),
        ]

    def __str__(self):
        return f"{self.get_host_display()}: {self.login or '?'}"


class WebhookDelivery(models.Model):
    """Every delivery accepted, and refused ones up to a rate (a flood of forgeries must
    not fill the table). `delivery_id` is the replay key: a SHA-256 of what the host
    signed (GitHub: the body; Gitee: its token), stored once, so a replay is refused."""

    host = models.CharField(_("host"), max_length=10, choices=Host.choices)
    repository = models.ForeignKey(
        Repository, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_id = models.CharField(_("delivery id"), max_length=100, blank=True)
    event = models.CharField(_("event"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=DeliveryOutcome.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    remote_addr = models.GenericIPAddressField(_("from"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "delivery_id"],
                condition=~Q(outcome=DeliveryOutcome.REFUSED),
                name="webhook_delivery_once_per_key",
            )
        ]

    def __str__(self):
        return f"{self.host} {self.event} {self.outcome}"


class Contribution(models.Model):
    """One contribution: a pull request (merged or not yet), a review, or non-code work a
    maintainer approved. `member` is set once the git account is linked, for webhook
    contributions made before that too."""

    repository = models.ForeignKey(Repository, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=ContributionState.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    git_account_id = models.CharField(_("account id on the host"), max_length=40, blank=True)
    git_login = models.CharField(_("login on the host"), max_length=100, blank=True)
    host_object_id = models.CharField(max_length=64, blank=True)
    number = models.PositiveIntegerField(_("pull request"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    description = models.TextField(_("description"), blank=True)
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    merge_commit_sha = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True, db_index=True)
    release_item = models.ForeignKey(
        "releases.ReleaseItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "kind", "host_object_id"],
                condition=~Q(host_object_id=""),
                name="contribution_once_per_host_object",
            )
        ]
        indexes = [models.Index(fields=["member", "state"], name="contribution_member_state")]

    def __str__(self):
        return f"{self.repository_id} {self.kind} {self.title[:40]}"


class Title(models.Model):
    """A title earned by the contribution record: the highest rank a member holds is
    the one shown. Academicians are numbered in the order they earned it (the first
    OPENSOURCE_ACADEMICIANS); a revoked title keeps its number, which is never reused."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="titles")
    rank = models.CharField(_("title"), max_length=20, choices=TitleRank.choices)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["rank", "number", "awarded_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rank"], name="title_once_per_rank"),
            models.UniqueConstraint(
                fields=["rank", "number"], condition=Q(number__isnull=False), name="title_number_once"
            ),
        ]

    def __str__(self):
        return f"{self.member_id} {self.rank} {self.number or ''}"
