from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import Method, VoteStatus


class Vote(BilingualMixin, models.Model):
    """A question put to the fan parliament: a pricing vote, a feature choice, an
    election. Who may vote, when, how ballots are counted, and whether it binds."""

    slug = models.SlugField(_("slug"), unique=True)
    question = models.CharField(_("question (English)"), max_length=300)
    question_zh = models.CharField(_("question (Chinese)"), max_length=300, blank=True)
    description = models.TextField(_("background (English)"), max_length=5000, blank=True)
    description_zh = models.TextField(_("background (Chinese)"), max_length=5000, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.SINGLE)
    seats = models.PositiveSmallIntegerField(_("seats (for several winners)"), default=1)
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
    )
    min_trust_level = models.PositiveSmallIntegerField(_("minimum trust level"), default=0)
    owners_only = models.BooleanField(_("owners of the product only"), default=False)
    owners_verified_only = models.BooleanField(
        _("verified owners only"),
        default=False,
        help_text=_(
            "Owners count only when a purchase or a registered serial number shows it, not by "
            "their own word. Needs a product and owners only."
        ),
    )
    required_badges = models.ManyToManyField(
        "badges.Badge", verbose_name=_("badges required"), blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    quorum = models.PositiveIntegerField(_("quorum (ballots)"), default=0)
    binding = models.BooleanField(_("binding"), default=False)
    secret = models.BooleanField(_("secret ballot"), default=True)
    allow_change = models.BooleanField(_("voters may change their ballot until closing"), default=True)
    hide_results = models.BooleanField(_("hide running results until closing"), default=True)
    allow_abstain = models.BooleanField(_("offer an abstain choice"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    digest = models.CharField(_("Merkle root of the ballots"), max_length=64, blank=True, editable=False)
    # Which tree produced `digest` (governance.merkle.SCHEMES), so that a recount rebuilds
    # the root by the rule it was published under. Nullable so that adding it does not
    # rebuild the table under SQLite's ballot trigger.
    digest_scheme = models.CharField(_("digest scheme"), max_length=32, null=True, blank=True, editable=False)
    # Members who could cast a ballot when the vote closed: turnout's denominator.
    eligible_at_close = models.PositiveIntegerField(
        _("eligible members at closing"), null=True, blank=True, editable=False
    )
    result = models.JSONField(default=dict, blank=True, editable=False)
    outcome = models.TextField(_("outcome (English)"), max_length=2000, blank=True)
    outcome_zh = models.TextField(_("outcome (Chinese)"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_open"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="vote_has_a_seat"),
            # "Verified owners of nothing" would shut everyone out (or, read loosely, no
            # one): the rule needs a product whose owners count.
            models.CheckConstraint(
                condition=Q(owners_verified_only=False) | Q(owners_only=True, product_line__isnull=False),
                name="vote_verified_owners_of_a_product",
                violation_error_message=_("Verified owners only needs a product and owners only."),
            ),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("governance:vote", args=[self.slug])

    @property
    def display_question(self):
        return self.localized("question")

    @property
    def display_description(self):
        return self.localized("description")

    @property
    def display_outcome(self):
        return self.localized("outcome")

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == VoteStatus.OPEN and self.opens_at <= now < self.closes_at

    @property
    def results_visible(self) -> bool:
        return self.status == VoteStatus.PUBLISHED or (
            self.status == VoteStatus.OPEN and not self.hide_results
        )


class VoteOption(BilingualMixin, models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option (English)"), max_length=200)
    label_zh = models.CharField(_("option (Chinese)"), max_length=200, blank=True)
    details = models.TextField(
        _("details (English)"), max_length=2000, blank=True, help_text=_("E.g. the specs at this price.")
    )
    details_zh = models.TextField(_("details (Chinese)"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self):
        return self.label

    @property
    def display_label(self):
        return self.localized("label")

    @property
    def display_details(self):
        return self.localized("details")


class Ballot(models.Model):
    """One member's ballot. `voter_key` (an HMAC of vote and member under the server's
    secret) enforces one ballot per member in the database without storing who cast a
    secret ballot; `voter` is kept only for public ballots. `choice` is canonical JSON
    of option ids: [id] single, sorted ids for approval, ids in rank order for ranked
    methods, [] for an abstention."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_ballots",
    )
    receipt = models.CharField(max_length=32, unique=True)
    choice = models.JSONField()
    abstain = models.BooleanField(default=False)
    trust_level = models.PositiveSmallIntegerField(default=0, help_text=_("At casting, for the breakdown."))
    cast_at = models.DateTimeField(default=timezone.now)
    changes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["vote", "voter_key"], name="one_ballot_per_member")]

    def __str__(self):
        return f"ballot {self.receipt}"
