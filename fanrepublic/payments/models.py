"""Payments in yuan through a provider (WeChat Pay, Alipay, or the demo's offline one).

Money is counted in integer fen everywhere; a payment that the provider confirms posts
once to the ledger's CNY accounts (points.services.ledger_post, keyed by the payment's
reference), and so does each refund. The provider's word arrives by a signed notification
or by asking it (the periodic check): both go through the same service, so whichever
comes first settles the payment and the other finds it done."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import NoticeOutcome, PaymentStatus, PayoutState, ProviderCode, RefundStatus
from .payout_text import failure_text, mask_identifier


class Payment(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)  # out_trade_no
    provider = models.CharField(_("provider"), max_length=10, choices=ProviderCode.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        on_delete=models.SET_NULL,  # money records outlive an erased account
        related_name="payments",
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    description = models.CharField(_("description"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # What the payment is for (e.g. "campaigns.backing", 42): the app that started it is
    # told when it is paid, closed or refunded (payments.signals).
    purpose_type = models.CharField(_("paid for"), max_length=60, blank=True)
    purpose_id = models.CharField(max_length=64, blank=True)
    # The ledger account that the money is held for (its code and kind): paid money
    # moves from the provider's account to it, a refund moves it back.
    ledger_account = models.CharField(_("ledger account"), max_length=80)
    ledger_account_kind = models.CharField(max_length=20)
    # Where the member pays: WeChat's code_url (shown as a QR code), Alipay's cashier
    # page, or the demo provider's page.
    checkout_url = models.TextField(_("checkout address"), blank=True)
    provider_trade_no = models.CharField(_("provider's trade number"), max_length=64, blank=True)
    refunded_fen = models.BigIntegerField(_("refunded (fen)"), default=0)
    problem = models.CharField(_("problem"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("pay before"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last asked the provider"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0) & Q(refunded_fen__lte=models.F("amount_fen")),
                name="payment_refunds_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
            models.Index(fields=["purpose_type", "purpose_id"], name="payment_purpose"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("payments:payment", args=[self.reference])

    @property
    def amount_yuan(self):
        from .money import fen_to_yuan

        return fen_to_yuan(self.amount_fen)

    @property
    def refunded_yuan(self):
        from .money import fen_to_yuan

        return fen_to_yuan(self.refunded_fen)


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(_("refund number"), max_length=40, unique=True)  # out_refund_no
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=80)
    status = models.CharField(
        _("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_refund_no = models.CharField(max_length=64, blank=True)
    problem = models.CharField(_("problem"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # A failed refund that staff sent again names the new refund (payments.services.refund_send_again).
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_positive")]
        indexes = [models.Index(fields=["status", "created_at"], name="refund_status_created")]

    def __str__(self):
        return self.reference

    @property
    def amount_yuan(self):
        from .money import fen_to_yuan

        return fen_to_yuan(self.amount_fen)


class ProviderNotice(models.Model):
    """One asynchronous notification a provider (or someone claiming to be one) sent:
    what it was and what became of it. Never its content: a forged one may carry
    anything, and a real one carries the buyer's details."""

    provider = models.CharField(_("provider"), max_length=10, choices=ProviderCode.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=NoticeOutcome.choices)
    notice_id = models.CharField(_("notification id"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    remote_addr = models.CharField(_("from"), max_length=45, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        ordering = ["-received_at", "-id"]
        constraints = [
            # A notification takes effect once, also when the provider's retries race.
            models.UniqueConstraint(
                fields=["provider", "notice_id"],
                condition=Q(outcome="accepted"),
                name="notice_accepted_once",
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.outcome} {self.notice_id}"


class OfflineTrade(models.Model):
    """The demo provider's own books: what it believes was paid and refunded, kept apart
    from Payment so that asking it, its daily bill and reconciliation work exactly as
    they do against WeChat Pay and Alipay."""

    reference = models.CharField(max_length=32, unique=True)
    trade_no = models.CharField(max_length=64, unique=True)
    amount_fen = models.BigIntegerField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo provider trade")
        verbose_name_plural = _("demo provider trades")

    def __str__(self):
        return self.trade_no


class OfflineRefund(models.Model):
    trade = models.ForeignKey(OfflineTrade, on_delete=models.CASCADE, related_name="refunds")
    reference = models.CharField(max_length=40, unique=True)
    refund_no = models.CharField(max_length=64, unique=True)
    amount_fen = models.BigIntegerField()
    refunded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("demo provider refund")
        verbose_name_plural = _("demo provider refunds")

    def __str__(self):
        return self.refund_no


class BillCheck(models.Model):
    """One run of reconcile_payments: a provider's daily bill against our records and the
    ledger, with every difference found."""

    provider = models.CharField(_("provider"), max_length=10, choices=ProviderCode.choices)
    bill_date = models.DateField(_("bill date"))
    lines = models.PositiveIntegerField(_("bill lines"), default=0)
    differences = models.JSONField(_("differences"), default=list)
    error = models.CharField(_("error"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True)

    class Meta:
        verbose_name = _("bill check")
        verbose_name_plural = _("bill checks")
        ordering = ["-checked_at", "-id"]

    def __str__(self):
        return f"{self.provider} {self.bill_date}"

    @property
    def clean(self) -> bool:
        return not self.differences and not self.error


# Payouts ---------------------------------------------------------------------------------


class PayeeAccount(models.Model):
    """Where a member's payouts go at one provider: their openid under the merchant's
    WeChat app id (proved by WeChat's web sign-in), or their Alipay login with the real
    name Alipay checks it against. A change is a new row (the old one is marked removed),
    so the history of where money was sent stays readable."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="payee_accounts",
    )
    provider = models.CharField(_("provider"), max_length=10, choices=ProviderCode.choices)
    identifier = models.CharField(_("account"), max_length=100)  # openid / Alipay login
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    # WeChat: when WeChat's sign-in proved the openid is the member's. Alipay: when a
    # payout to it first succeeded (Alipay checked the login and the name together).
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "provider"],
                condition=Q(removed_at__isnull=True),
                name="payee_one_active_per_provider",
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.masked}"

    @property
    def masked(self) -> str:
        return mask_identifier(self.provider, self.identifier)

    @property
    def usable_from(self):
        if self.provider == ProviderCode.OFFLINE:
            return self.created_at  # the demo's account receives no money: nothing to guard
        return self.created_at + timedelta(hours=settings.PAYOUT_NEW_PAYEE_HOLD_HOURS)


class Payout(models.Model):
    """A member's yuan paid out of their wallet to their own account at a provider.
    The ledger follows its state: requested moves the amount from the wallet to
    "payouts in transit" (so it cannot be spent twice), done moves it on to what was
    paid out through the provider, failed returns it to the wallet."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)  # out_bill_no / out_biz_no
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        on_delete=models.SET_NULL,  # money records outlive an erased account
        related_name="payouts",
    )
    provider = models.CharField(_("provider"), max_length=10, choices=ProviderCode.choices)
    payee = models.ForeignKey(
        PayeeAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="payouts"
    )
    # What it was sent to, as it was when requested: a later change of the member's
    # account never redirects a payout already on its way.
    payee_identifier = models.CharField(_("paid to"), max_length=100)
    payee_name = models.CharField(_("payee's name"), max_length=50, blank=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    state = models.CharField(
        _("state"), max_length=10, choices=PayoutState.choices, default=PayoutState.REQUESTED
    )
    provider_no = models.CharField(_("provider's transfer number"), max_length=64, blank=True)
    provider_state = models.CharField(_("provider's state"), max_length=24, blank=True)
    # WeChat Pay's WAIT_USER_CONFIRM: what the member's WeChat needs to show its "confirm
    # receipt" page (requestMerchantTransfer).
    package_info = models.TextField(blank=True)
    failure_code = models.CharField(_("reason it failed"), max_length=64, blank=True)
    problem = models.CharField(_("problem"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(_("times sent"), default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last asked the provider"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    request_tx = models.ForeignKey(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settle_tx = models.ForeignKey(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_tx = models.ForeignKey(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payout_amount_positive"),
            # One payout on its way per member, also when two requests race: the second
            # insert waits for the first and fails (payouts.payout_request).
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state__in=["requested", "sent"]),
                name="payout_one_in_flight_per_member",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="payout_state_created"),
            models.Index(fields=["member", "created_at"], name="payout_member_created"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("payments:payout", args=[self.reference])

    @property
    def in_flight(self) -> bool:
        return self.state in (PayoutState.REQUESTED, PayoutState.SENT)

    @property
    def waiting_for_member(self) -> bool:
        """WeChat Pay waits for the member to confirm receipt in WeChat."""
        return self.in_flight and self.provider_state == "WAIT_USER_CONFIRM" and bool(self.package_info)

    @property
    def failure_text(self) -> str:
        return failure_text(self.failure_code) if self.state == PayoutState.FAILED else ""


class PayoutPolicy(models.Model):
    """The operator's payout rules in force from `created_at`: the minimum a member may
    pay out and the tax withheld from royalties. Each change is a new version (the
    latest applies); PAYOUT_MINIMUM_FEN and PAYOUT_ROYALTY_TAX_RATE apply before the
    first."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    minimum_fen = models.BigIntegerField(_("minimum payout (fen)"))
    tax_rate = models.DecimalField(_("tax withheld from royalties"), max_digits=5, decimal_places=4)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("in force from"), auto_now_add=True)

    class Meta:
        verbose_name = _("payout policy")
        verbose_name_plural = _("payout policies")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(minimum_fen__gt=0), name="payout_policy_minimum_positive"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0) & Q(tax_rate__lt=1), name="payout_policy_tax_rate_range"
            ),
        ]

    def __str__(self):
        return f"v{self.version}"
