from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import AccountKind, Currency


class Account(models.Model):
    """A ledger account in one currency.

    Member wallets are *tracked*: `balance_minor` caches the sum of their postings, is
    checked under a row lock before every debit, and a database check constraint refuses
    a negative value. Programme accounts (issuance, store, expiry, ...) take part in
    every transaction of their kind, so locking and updating one row for them would
    serialise the whole programme; they are not locked, their balance is the sum of their
    postings (`points.selectors.account_balance`), and reconcile_ledger checks them."""

    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    code = models.CharField(_("code"), max_length=80, unique=True)
    allow_negative = models.BooleanField(_("may go negative"), default=False)
    balance_minor = models.BigIntegerField(_("balance (minor units)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance_minor__gte=0), name="account_not_negative"
            ),
            models.UniqueConstraint(
                fields=["owner", "kind", "currency"],
                condition=Q(owner__isnull=False),
                name="one_account_per_owner",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def tracks_balance(self) -> bool:
        return self.kind == AccountKind.WALLET


class Transaction(models.Model):
    """A balanced set of postings. Immutable; a correction is a new transaction that
    names the one it reverses (at most one reversal each)."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    memo = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    source_event_id = models.BigIntegerField(_("source event"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    # Not stored: True when a service returned the transaction already stored under its
    # idempotency key (a retry), so the API can answer "duplicate" instead of "created".
    replayed = False

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.idempotency_key}"


class Posting(models.Model):
    """One side of a transaction on one account. Append-only (a PostgreSQL trigger
    refuses changes, see migration 0002)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [models.CheckConstraint(condition=~Q(amount_minor=0), name="posting_not_zero")]
        indexes = [models.Index(fields=["account", "-id"], name="posting_account_history")]

    def __str__(self):
        return f"{self.amount_minor:+d} {self.currency} on {self.account_id}"


class PointLot(models.Model):
    """Points earned together, spent oldest first and expiring together: the index that
    makes "expire 24 months after earning" exact. Derived from postings; reconcile_ledger
    checks that a wallet's lots add up to its balance."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lots")
    earned_by = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="lots")
    amount = models.BigIntegerField()
    remaining = models.BigIntegerField()
    earned_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("point lot")
        verbose_name_plural = _("point lots")
        ordering = ["earned_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=models.F("amount")),
                name="lot_remaining_in_range",
            ),
        ]
        indexes = [models.Index(fields=["account", "earned_at"], name="lot_fifo")]

    def __str__(self):
        return f"lot {self.pk}: {self.remaining}/{self.amount}"


class EarningRule(models.Model):
    """Turns events of the log into points, e.g. "bug report judged valid, severity high:
    500 points". The points go to the event's owner (whose work was judged), never to
    someone acting on their own content; caps bound what one member can earn."""

    name = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    verb = models.CharField(_("event verb"), max_length=100, db_index=True)
    match_properties = models.JSONField(
        _("event properties to match"),
        default=dict,
        blank=True,
        help_text=_('Only events whose properties contain all of these, e.g. {"severity": "high"}.'),
    )
    points = models.PositiveIntegerField(_("points"))
    daily_cap = models.PositiveIntegerField(_("awards per member per day"), null=True, blank=True)
    monthly_cap = models.PositiveIntegerField(_("awards per member per month"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("The kill switch."))
    # Which sources the rule believes. An event pays only if the platform recorded it
    # itself (and the rule trusts the platform) or a trusted integration sent it.
    pays_platform_events = models.BooleanField(
        _("pays events the platform records"),
        default=True,
        help_text=_("Events recorded by the platform itself when the thing happened."),
    )
    trusted_integrations = models.ManyToManyField(
        "activity.Integration",
        verbose_name=_("trusted integrations"),
        blank=True,
        related_name="+",
        help_text=_(
            "Integrations whose events this rule pays; events from any other integration never earn."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["verb", "-points"]

    def __str__(self):
        return f"{self.name}: {self.points}"
