"""The users' arbitration court: cases members bring against the company, and juries of
senior fans and legal staff drawn by a lot anyone can recompute (draw.py). Fields and
constraints only; behaviour lives in services.py."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import (
    BallotChoice,
    CaseStatus,
    Ground,
    JurorKind,
    JurorState,
    ObligationState,
    Outcome,
    QuestionState,
    RemedyKind,
    RulingState,
    SettlementState,
    Side,
    VerdictState,
)


def evidence_storage():
    """Evidence is private: kept outside MEDIA_ROOT (never served by /media/) and sent
    only by the view that checked who asks (settings.STORAGES["court_evidence"])."""
    return storages["court_evidence"]


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
    # The company's answer, written by one of its representatives before `respond_by`.
    respond_by = models.DateTimeField(_("company to respond by"), null=True, blank=True)
    response = models.TextField(_("the company's response"), max_length=10_000, blank=True)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded for the company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    # The jury deliberates from its seating until `deliberate_by`.
    deliberate_by = models.DateTimeField(_("verdict due by"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The parties accept the verdict (or let `accept_by` pass); then it is final.
    accept_by = models.DateTimeField(_("final unless contested by"), null=True, blank=True)
    claimant_accepted_at = models.DateTimeField(null=True, blank=True)
    company_accepted_at = models.DateTimeField(null=True, blank=True)
    final_at = models.DateTimeField(_("final at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # One appeal, by either party, while the verdict is open: a larger jury hears it.
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appealed_by = models.CharField(_("appealed by"), max_length=10, choices=Side.choices, blank=True)
    appeal_reason = models.TextField(_("grounds of appeal"), max_length=5_000, blank=True)
    # When a missed deadline was escalated (once each).
    response_escalated_at = models.DateTimeField(null=True, blank=True)
    deliberation_escalated_at = models.DateTimeField(null=True, blank=True)

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


class Evidence(models.Model):
    """A file a party brings: an image or a PDF, checked on upload (core.evidence), kept
    private and served only to who may see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="court/%Y/%m/", storage=evidence_storage, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("what it shows"), max_length=300)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.case.number}: {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Question(models.Model):
    """A juror's question to a party. It goes through the clerk, who forwards it (or
    says why not); the party answers by `answer_by`; the answer is read in the jury room."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to = models.CharField(_("to"), max_length=10, choices=Side.choices)
    text = models.TextField(_("question"), max_length=2_000)
    state = models.CharField(
        _("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.ASKED
    )
    asked_at = models.DateTimeField(_("asked at"))
    clerk_note = models.CharField(_("clerk's note"), max_length=500, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=5_000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question to a party")
        verbose_name_plural = _("questions to the parties")
        ordering = ["asked_at", "id"]

    def __str__(self):
        return f"{self.case.number} question {self.pk}"


class Message(models.Model):
    """A post in the jury room: threaded (a reply names its parent), Markdown rendered
    and sanitised once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("message"), max_length=5_000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("jury room message")
        verbose_name_plural = _("jury room messages")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case.number} message {self.pk}"


class Verdict(models.Model):
    """The foreperson's draft verdict, put to the jury's secret ballot. It is adopted
    when at least two thirds of the seated jury approve (rules.verdict_adopted); a draft
    that is not adopted stays on record and the foreperson writes the next version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verdicts")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    version = models.PositiveSmallIntegerField(_("version"))
    foreperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("foreperson"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), max_length=20_000)
    state = models.CharField(
        _("state"), max_length=10, choices=VerdictState.choices, default=VerdictState.BALLOT
    )
    seated = models.PositiveSmallIntegerField(_("jurors seated"))
    approvals = models.PositiveSmallIntegerField(_("approvals"), default=0)
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    proposed_at = models.DateTimeField(_("proposed at"))
    closed_at = models.DateTimeField(_("ballot closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        ordering = ["case", "round", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round", "version"], name="court_verdict_version_once"),
            models.UniqueConstraint(
                fields=["case", "round"],
                condition=Q(state__in=["ballot", "adopted"]),
                name="court_one_live_verdict_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} verdict {self.round}.{self.version}"


class Settlement(models.Model):
    """Mediation: one party proposes terms — remedies from the same set as a verdict's —
    and the other accepts (the case is settled and its remedies executed like a
    verdict's) or declines. One proposal is open at a time."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="settlements")
    side = models.CharField(_("proposed by"), max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    terms = models.TextField(_("terms"), max_length=5_000)
    state = models.CharField(
        _("state"), max_length=10, choices=SettlementState.choices, default=SettlementState.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["case", "proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="proposed"), name="court_one_open_settlement"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="accepted"), name="court_settled_once"
            ),
        ]

    def __str__(self):
        return f"{self.case.number} settlement {self.pk}"


class Remedy(models.Model):
    """One thing a verdict orders, or a settlement's terms promise: a kind from the
    defined set, an amount where it is money (fen) or points, and what exactly is to be
    done."""

    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.CASCADE, related_name="remedies"
    )
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.CASCADE, related_name="remedies"
    )
    kind = models.CharField(_("remedy"), max_length=20, choices=RemedyKind.choices)
    amount = models.PositiveBigIntegerField(_("amount"), default=0)
    description = models.CharField(_("what is to be done"), max_length=500)

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__isnull=False, settlement__isnull=True)
                | Q(verdict__isnull=True, settlement__isnull=False),
                name="court_remedy_of_a_verdict_or_a_settlement",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class Ballot(models.Model):
    """A juror's secret ballot on a draft verdict. `voter_key` (an HMAC of the draft and
    the member under the server's secret) allows one ballot per juror without storing
    who cast it; `receipt` is shown to the juror once, and the ballots are listed by
    receipt to the jury when the ballot closes, so each can check theirs was counted."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    receipt = models.CharField(max_length=32, unique=True)
    choice = models.CharField(_("choice"), max_length=10, choices=BallotChoice.choices)

    class Meta:
        verbose_name = _("verdict ballot")
        verbose_name_plural = _("verdict ballots")
        ordering = ["receipt"]
        constraints = [
            models.UniqueConstraint(fields=["verdict", "voter_key"], name="court_one_ballot_per_juror")
        ]

    def __str__(self):
        return f"ballot {self.receipt}"


class Obligation(models.Model):
    """A remedy of a final verdict, owned by someone on the company's side and due by a
    date. Money and points are paid by the ledger transaction recorded here (exactly
    once); other remedies carry proof (a replacement order, an apology's address). The
    claimant confirms or disputes; a late one is escalated to the founder."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="obligations")
    # What ordered it: the final verdict, or the settlement the parties agreed.
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations"
    )
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations"
    )
    kind = models.CharField(_("remedy"), max_length=20, choices=RemedyKind.choices)
    amount = models.PositiveBigIntegerField(_("amount"), default=0)
    description = models.CharField(_("what is to be done"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due by"))
    state = models.CharField(
        _("state"), max_length=10, choices=ObligationState.choices, default=ObligationState.OPEN
    )
    proof = models.CharField(_("proof of execution"), max_length=500, blank=True)
    transaction = models.OneToOneField(
        "points.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    claimant_note = models.CharField(_("the claimant's words"), max_length=1_000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | Q(executed_at__isnull=False),
                name="court_obligation_executed_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="court_obligation_due")]

    def __str__(self):
        return f"{self.case.number} {self.kind}"


class Ruling(models.Model):
    """A case's verdict as the public reads it: anonymised by legal staff (the service
    pre-fills a redacted draft and refuses to publish while the claimant's names, an
    order number, an email address or a phone number remain), searchable in both
    languages, citable as precedent by its case number."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="ruling")
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("the facts"), max_length=10_000)
    reasons = models.TextField(_("the jury's reasons"), max_length=20_000)
    remedies = models.TextField(_("remedies ordered"), max_length=2_000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    product_line = models.ForeignKey(
        "products.ProductLine", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RulingState.choices, default=RulingState.DRAFT
    )
    search_document = models.TextField(editable=False, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("published ruling")
        verbose_name_plural = _("published rulings")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.case.number} {self.title}"

    def get_absolute_url(self):
        return reverse("court:ruling", args=[self.case.number])


class Citation(models.Model):
    """A case citing a published ruling as precedent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="citations")
    ruling = models.ForeignKey(Ruling, on_delete=models.PROTECT, related_name="citations")
    cited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cited_at = models.DateTimeField(_("cited at"))

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["cited_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "ruling"], name="court_cite_once")]

    def __str__(self):
        return f"{self.case.number} cites {self.ruling.case.number}"
