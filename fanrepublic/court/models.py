"""The users' arbitration court: cases members bring against the company, and juries of
senior fans and legal staff drawn by a lot anyone can recompute (draw.py). Fields and
constraints only; behaviour lives in services.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import CaseStatus, Ground, JurorKind, JurorState


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="court_cases"
    )
    title = models.CharField(_("title"), max_length=200)
    account = models.TextField(_("what happened"), max_length=10_000)
    remedy_sought = models.TextField(_("remedy sought"), max_length=2_000)
    product_line = models.ForeignKey(
        "products.ProductLine", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT
    )
    order = models.ForeignKey(
        "stores.Order",
        verbose_name=_("purchase"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The claimant's own purchase the case is about, when it is one."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.FILED
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The legal staff member who admitted the case and runs its steps."),
    )
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices, blank=True)
    decision_reason = models.TextField(_("reasons"), max_length=2_000, blank=True)
    filed_at = models.DateTimeField(_("filed at"))
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("court:case", args=[self.number])


class CourtPolicy(models.Model):
    """The operator's rules for juries, in force from `created_at`: who is a senior fan
    for the pool (trust level, tenure), how many juries one may sit on a year, the time
    to answer an invitation, and the jury's size. Each change is a new version (the
    latest applies; a draw records the rules it used); the COURT_* settings apply before
    the first."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    min_trust_level = models.PositiveSmallIntegerField(_("lowest trust level"))
    min_tenure_days = models.PositiveIntegerField(_("days of membership at least"))
    juror_cases_per_year = models.PositiveSmallIntegerField(_("juries a year at most"))
    answer_hours = models.PositiveSmallIntegerField(_("hours to answer an invitation"))
    jury_fans = models.PositiveSmallIntegerField(_("senior fans on a jury"))
    jury_legal = models.PositiveSmallIntegerField(_("legal staff on a jury"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("in force from"))

    class Meta:
        verbose_name = _("court policy")
        verbose_name_plural = _("court policies")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class JuryDraw(models.Model):
    """One draw of a case's jury (round 1; an appeal draws round 2). The commitment —
    SHA-256 of the seed — is published when the case is admitted, before the pool
    exists; the seed is revealed with the frozen pool at the draw. `seed` is secret until
    `drawn_at` (never shown before; the admin does not show it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="draws")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    seed = models.CharField(max_length=64)
    # The key of the pool's pseudonyms (draw.pseudonym): never published, so the pool
    # names nobody; kept so that the site can tell each member their own.
    pseudonym_key = models.CharField(max_length=64)
    commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64)
    committed_at = models.DateTimeField(_("committed at"))
    fans_wanted = models.PositiveSmallIntegerField(_("senior fans"))
    legal_wanted = models.PositiveSmallIntegerField(_("legal staff"))
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pool_digest = models.CharField(_("pool digest"), max_length=64, blank=True)
    fans_in_pool = models.PositiveIntegerField(_("senior fans in the pool"), default=0)
    legal_in_pool = models.PositiveIntegerField(_("legal staff in the pool"), default=0)
    # The pool's rules the draw used (the policy in force at the draw), published with it.
    rules = models.JSONField(_("pool rules"), default=dict, blank=True)
    # The frozen pool as published (draw.pool_text), gzip-compressed: the file members
    # download to recompute the draw.
    pool = models.BinaryField(default=b"", editable=False)

    class Meta:
        verbose_name = _("jury draw")
        verbose_name_plural = _("jury draws")
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="court_draw_once_per_round")]

    def __str__(self):
        return f"{self.case.number} #{self.round}"

    @property
    def revealed_seed(self) -> str:
        return self.seed if self.drawn_at else ""


class Juror(models.Model):
    """A place in a draw's order: the first `wanted` of each kind are invited, the rest
    wait in reserve and are invited, in order, in place of those who decline or lapse."""

    draw = models.ForeignKey(JuryDraw, on_delete=models.CASCADE, related_name="jurors")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_places")
    kind = models.CharField(_("kind"), max_length=10, choices=JurorKind.choices)
    position = models.PositiveIntegerField(_("place in the draw"))
    pseudonym = models.CharField(_("pseudonym"), max_length=16)
    state = models.CharField(
        _("state"), max_length=10, choices=JurorState.choices, default=JurorState.RESERVE
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["draw", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "member"], name="court_juror_once_per_draw"),
            models.UniqueConstraint(fields=["draw", "kind", "position"], name="court_juror_place_once"),
            models.CheckConstraint(
                condition=Q(state=JurorState.RESERVE) | Q(invited_at__isnull=False),
                name="court_juror_invited_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["member", "state"], name="court_juror_member_state")]

    def __str__(self):
        return f"{self.draw} {self.kind} {self.position}"
