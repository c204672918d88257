"""Chain sign-ups (接龙): a theme, and numbered lines members add to it. Fields and
constraints only; behaviour lives in services.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import ChainStatus

MESSAGE_MAX = 140


class BoardRule(models.Model):
    """Whether members (not only operators) may start chains on a forum board, and from
    which trust level. A board without a rule: operators only."""

    board = models.OneToOneField(
        "forum.Board", verbose_name=_("board"), on_delete=models.CASCADE, related_name="chain_rule"
    )
    members_may_start = models.BooleanField(_("members may start chains"), default=False)
    min_trust_level = models.PositiveSmallIntegerField(_("from trust level"), default=1)

    class Meta:
        verbose_name = _("chain rule of a board")
        verbose_name_plural = _("chain rules of boards")
        constraints = [
            models.CheckConstraint(condition=Q(min_trust_level__lte=4), name="chain_rule_trust_level")
        ]

    def __str__(self):
        return str(self.board)


class Chain(models.Model):
    """A sign-up with a theme. `entry_count`, `pledge_total` and `last_number` are kept by
    the services in the same transaction as each entry, so the live count is one row."""

    slug = models.SlugField(_("short name"), max_length=24, unique=True)
    theme = models.CharField(_("theme"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    board = models.ForeignKey(
        "forum.Board",
        verbose_name=_("board"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains",
    )
    pledge_label = models.CharField(
        _("pledge"),
        max_length=80,
        blank=True,
        help_text=_("What an entry may promise, e.g. “I will pre-order”. Empty: no pledges."),
    )
    pledge_max = models.PositiveSmallIntegerField(_("most units one entry may pledge"), default=1)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ChainStatus.choices, default=ChainStatus.OPEN
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    pledge_total = models.PositiveIntegerField(_("units pledged"), default=0)
    last_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledge_max__gte=1, pledge_max__lte=100), name="chain_pledge_max"
            ),
        ]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return reverse("chains:chain", args=[self.slug])


class Entry(models.Model):
    """One numbered line. One per member per chain; the number is given once and kept
    (a withdrawn line leaves its number unused, like a paper sign-up sheet)."""

    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    message = models.CharField(_("message"), max_length=MESSAGE_MAX, blank=True)
    pledge = models.PositiveSmallIntegerField(_("units pledged"), default=0)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["chain", "number"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "member"], name="chain_entry_once_per_member"),
            models.UniqueConstraint(fields=["chain", "number"], name="chain_entry_number_unique"),
        ]

    def __str__(self):
        return f"{self.chain_id}#{self.number}"
