"""The idea marketplace (创意市集): members' product proposals, the support that carries
them to a review round, the reviewers' decisions. Fields and constraints only; the
rules live in services.py and permissions.py."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import is_chinese

from .enums import Decision, ProposalLanguage, ProposalStatus, ReviewerRole, RoundStatus


class ReviewRound(models.Model):
    """A review round (LEGO Ideas holds three a year): proposals that reached the
    threshold before `cutoff` are reviewed in it and decided by `decide_by`."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    cutoff = models.DateTimeField(_("proposals that qualified before"))
    decide_by = models.DateTimeField(_("decisions due by"))
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.REVIEWING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-cutoff"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decide_by__gt=models.F("cutoff")), name="round_decides_after_cutoff"
            )
        ]

    def __str__(self):
        return self.name


class Proposal(models.Model):
    """A member's product idea, written in their language; a translation into the other
    language is optional. The support count is kept on the row (one UPDATE per
    supporter) so lists sort by it."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The product line the idea belongs to; its committee reviews it with the staff."),
    )
    language = models.CharField(_("written in"), max_length=8, choices=ProposalLanguage.choices)
    title = models.CharField(_("title"), max_length=120)
    pitch = models.TextField(_("pitch"), max_length=4000)
    specs = models.TextField(_("specifications"), max_length=8000, blank=True)
    title_translated = models.CharField(_("title, translated"), max_length=120, blank=True)
    pitch_translated = models.TextField(_("pitch, translated"), max_length=4000, blank=True)
    specs_translated = models.TextField(_("specifications, translated"), max_length=8000, blank=True)
    target_price = models.DecimalField(_("target price (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUPPORTING
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    created_at = models.DateTimeField(_("proposed at"))
    updated_at = models.DateTimeField(_("last edited"))
    expires_at = models.DateTimeField(_("gathers support until"))
    qualified_at = models.DateTimeField(_("reached the threshold at"), null=True, blank=True)
    review_round = models.ForeignKey(
        ReviewRound, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("reasons for the decision"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target_price__gt=0), name="proposal_price_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "-support_count"], name="proposal_status_support"),
            models.Index(fields=["status", "expires_at"], name="proposal_status_expiry"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ideas:proposal", args=[self.pk])

    @property
    def in_reader_language(self) -> bool:
        return is_chinese() == (self.language == ProposalLanguage.CHINESE)

    @property
    def display_title(self) -> str:
        """The title in the reader's language when the author gave a translation."""
        return self.title_translated if self.title_translated and not self.in_reader_language else self.title


class ProposalImage(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="ideas/")
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal image")
        verbose_name_plural = _("proposal images")
        ordering = ["proposal", "position", "pk"]

    def __str__(self):
        return f"{self.proposal_id}/{self.position}"


class ProposalRevision(models.Model):
    """What a proposal said before each edit: its edit history, shown to everyone."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(max_length=120)
    pitch = models.TextField()
    specs = models.TextField(blank=True)
    title_translated = models.CharField(max_length=120, blank=True)
    pitch_translated = models.TextField(blank=True)
    specs_translated = models.TextField(blank=True)
    target_price = models.DecimalField(max_digits=10, decimal_places=2)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(_("edited at"))

    class Meta:
        verbose_name = _("proposal revision")
        verbose_name_plural = _("proposal revisions")
        ordering = ["proposal", "-number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="revision_number_once")]

    def __str__(self):
        return f"{self.proposal_id} r{self.number}"


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="idea_support_once")]
        indexes = [models.Index(fields=["member", "-created_at"], name="support_member_time")]

    def __str__(self):
        return f"{self.member_id} → {self.proposal_id}"


class Review(models.Model):
    """One reviewer's recommendation in a round; the decision itself is the proposal's."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("as"), max_length=12, choices=ReviewerRole.choices)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), max_length=4000)
    created_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["proposal", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "review_round", "reviewer"], name="review_once_per_round"
            )
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.recommendation}"


class Comment(models.Model):
    """A comment on a proposal; the author's own are updates (shown as such and sent to
    the supporters)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)
    is_update = models.BooleanField(_("author's update"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self):
        return f"{self.proposal_id}/{self.pk}"


class AgreementText(models.Model):
    """A version of the adoption agreement. Published versions are never edited: a change
    is a new version, and each adoption records the one its author accepted."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body = models.TextField(_("text (English)"), max_length=20000)
    body_zh = models.TextField(_("text (Chinese)"), max_length=20000)
    rate = models.DecimalField(
        _("royalty rate"), max_digits=6, decimal_places=4, help_text=_("0.0100 is one per cent of net sales.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("adoption agreement")
        verbose_name_plural = _("adoption agreements")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0, rate__lt=1), name="agreement_rate_between_0_and_1")
        ]

    def __str__(self):
        return f"v{self.version}"


class Adoption(models.Model):
    """An adopted idea's agreement with its author: the product it became (its SKUs in the
    shops' sales), the royalty rate, and when the author accepted which version."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="adoption")
    agreement = models.ForeignKey(AgreementText, on_delete=models.PROTECT, related_name="adoptions")
    product_name = models.CharField(_("product"), max_length=120)
    skus = models.JSONField(_("SKUs"), default=list, help_text=_("The product's SKUs in the shops' sales."))
    rate = models.DecimalField(_("royalty rate"), max_digits=6, decimal_places=4)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(_("offered at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    release_items = models.ManyToManyField("releases.ReleaseItem", blank=True, related_name="+")

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0, rate__lt=1), name="adoption_rate_between_0_and_1")
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.product_name}"

    @property
    def terms_digest(self) -> str:
        """What the author is shown, in 16 hex digits: an acceptance names it, so terms
        changed while the author read them are not accepted unseen."""
        shown = "|".join(
            [
                str(self.agreement_id),
                str(self.rate),
                "\n".join(self.skus),
                self.product_name,
                self.offered_at.isoformat(),
            ]
        )
        return hashlib.sha256(shown.encode()).hexdigest()[:16]


class AdoptionSku(models.Model):
    """A SKU of an adopted product, as a row: unique, so one SKU's sales can pay one
    adoption only, and joinable, so a month's statements of every adoption are one
    pass over the sales lines. `Adoption.skus` keeps the list as the offer showed it."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="sku_rows")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    # A working copy for the month's pass over the sales lines, refreshed at its start
    # from the adoption (when the author accepted) and its latest statement (cut-off and
    # month's end): the pass then joins each line to one small row instead of three.
    sold_from = models.DateTimeField(null=True, blank=True)
    counted_through = models.BigIntegerField(default=0)
    counted_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("adopted SKU")
        verbose_name_plural = _("adopted SKUs")

    def __str__(self):
        return self.sku


class RoyaltyStatement(models.Model):
    """One month's royalties of one adoption: the sales lines counted, the refunds deducted,
    and what was paid (docs/ideas.md, "Royalties", has the rule). Amounts in fen."""

    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="statements")
    period = models.DateField(_("month"))
    rate = models.DecimalField(_("royalty rate"), max_digits=6, decimal_places=4)
    sales_fen = models.BigIntegerField(_("sales"))
    refunds_fen = models.BigIntegerField(_("refunds"))
    cumulative_net_fen = models.BigIntegerField(_("net sales to date"))
    due_to_date_fen = models.BigIntegerField(_("royalties due to date"))
    payable_fen = models.BigIntegerField(_("royalties this month"))
    withheld_fen = models.BigIntegerField(_("tax withheld"))
    credited_fen = models.BigIntegerField(_("paid to the wallet"))
    tax_rate = models.DecimalField(_("tax rate withheld"), max_digits=6, decimal_places=4, default=0)
    # The cut-off: the statement counts the lines up to this order line id that no earlier
    # statement counted and whose time is before `counted_until` (the month's end). A
    # line's statement is the first whose cut-off and end both cover it (docs/ideas.md).
    lines_through = models.BigIntegerField(_("order lines up to id"))
    counted_until = models.DateTimeField(_("lines before"))
    line_count = models.PositiveIntegerField(_("lines counted"))
    transaction = models.ForeignKey(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("royalty statement")
        verbose_name_plural = _("royalty statements")
        ordering = ["adoption", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["adoption", "period"], name="statement_once_per_month"),
            models.CheckConstraint(condition=Q(payable_fen__gte=0), name="statement_payable_not_negative"),
            models.CheckConstraint(
                condition=Q(credited_fen=models.F("payable_fen") - models.F("withheld_fen")),
                name="statement_credited_is_payable_less_tax",
            ),
        ]

    def __str__(self):
        return f"{self.adoption_id} {self.period:%Y-%m}"

    @property
    def net_fen(self) -> int:
        return self.sales_fen - self.refunds_fen
