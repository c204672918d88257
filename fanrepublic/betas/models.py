import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from fanrepublic.core.i18n import BilingualMixin

from .enums import ApplicationStatus, ProgrammeStatus, QuestionKind, RankBy, ReportStatus, SelectedBy


class BetaProgramme(BilingualMixin, models.Model):
    """A closed beta (e.g. a car's winter calibration test): who may apply, how many
    seats, how they are filled, the NDA, and what testers get for completing it."""

    product_line = models.ForeignKey(
        "products.ProductLine", verbose_name=_("product"), on_delete=models.PROTECT, related_name="betas"
    )
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    summary = models.TextField(_("public summary (English)"), max_length=2000)
    summary_zh = models.TextField(_("public summary (Chinese)"), max_length=2000, blank=True)
    brief = models.TextField(_("confidential brief (English)"), max_length=10000, blank=True)
    brief_zh = models.TextField(_("confidential brief (Chinese)"), max_length=10000, blank=True)
    nda = models.TextField(_("NDA (English)"), max_length=10000)
    nda_zh = models.TextField(_("NDA (Chinese)"), max_length=10000, blank=True)
    capacity = models.PositiveIntegerField(_("seats"))
    ranked_seats = models.PositiveIntegerField(
        _("seats filled by ranking"),
        default=0,
        help_text=_("The rest are drawn at random among eligible applicants."),
    )
    rank_by = models.CharField(
        _("rank by"), max_length=20, choices=RankBy.choices, default=RankBy.CONTRIBUTION
    )
    min_trust_level = models.PositiveSmallIntegerField(_("minimum trust level"), default=0)
    required_badges = models.ManyToManyField(
        "badges.Badge", verbose_name=_("badges required"), blank=True, related_name="+"
    )
    required_products = models.ManyToManyField(
        "products.ProductLine", verbose_name=_("products owned"), blank=True, related_name="+"
    )
    required_products_verified = models.BooleanField(
        _("owners must be verified"),
        default=False,
        help_text=_(
            "Owners of the products above count only when a purchase or a registered serial "
            "number shows it, not by their own word."
        ),
    )
    regions = CountryField(_("regions"), multiple=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"))
    starts_on = models.DateField(_("test starts"))
    ends_on = models.DateField(_("test ends"))
    completion_perk = models.CharField(_("perk for completing (English)"), max_length=200, blank=True)
    completion_perk_zh = models.CharField(_("perk for completing (Chinese)"), max_length=200, blank=True)
    min_approved_reports = models.PositiveSmallIntegerField(_("approved reports to complete"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    seed = models.CharField(_("draw seed"), max_length=64, blank=True, editable=False)
    seed_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    selected_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beta programme")
        verbose_name_plural = _("beta programmes")
        ordering = ["-applications_close_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ranked_seats__lte=models.F("capacity")), name="ranked_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="beta_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("betas:programme", args=[self.slug])

    @property
    def display_name(self):
        return self.localized("name")

    @property
    def display_summary(self):
        return self.localized("summary")

    @property
    def display_brief(self):
        return self.localized("brief")

    @property
    def display_nda(self):
        return self.localized("nda")

    @property
    def display_nda_sha256(self) -> str:
        """Names the exact NDA text shown in the reader's language."""
        return hashlib.sha256(self.display_nda.encode()).hexdigest()

    @property
    def display_perk(self):
        return self.localized("completion_perk")

    @property
    def accepting(self) -> bool:
        return self.status == ProgrammeStatus.OPEN and timezone.now() < self.applications_close_at


class ApplicationQuestion(BilingualMixin, models.Model):
    programme = models.ForeignKey(BetaProgramme, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question (English)"), max_length=300)
    prompt_zh = models.CharField(_("question (Chinese)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("For “one of a list”."))
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("application question")
        verbose_name_plural = _("application questions")
        ordering = ["position", "id"]

    def __str__(self):
        return self.prompt

    @property
    def display_prompt(self):
        return self.localized("prompt")


class Application(models.Model):
    programme = models.ForeignKey(BetaProgramme, on_delete=models.CASCADE, related_name="applications")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="beta_applications"
    )
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    selected_by = models.CharField(max_length=20, choices=SelectedBy.choices, blank=True)
    rank_score = models.BigIntegerField(null=True, blank=True)
    ticket = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of seed, programme and username.")
    )
    nda_accepted_at = models.DateTimeField(_("NDA accepted"), null=True, blank=True)
    # Which text was accepted: the SHA-256 of the NDA as shown, and its language, so a
    # later change to the programme's NDA never rewrites what a tester agreed to.
    nda_sha256 = models.CharField(_("accepted NDA (SHA-256)"), max_length=64, blank=True)
    nda_language = models.CharField(_("language of the accepted NDA"), max_length=10, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beta application")
        verbose_name_plural = _("beta applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "member"], name="one_application_per_member")
        ]

    def __str__(self):
        return f"{self.member} → {self.programme}"

    @property
    def is_tester(self) -> bool:
        return self.status == ApplicationStatus.SELECTED and self.nda_accepted_at is not None


class _OrderedTitle(BilingualMixin, models.Model):
    """A bilingual title in a given order: test plans and their tasks."""

    __test__ = False  # not a pytest test class

    title = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    @property
    def display_title(self):
        return self.localized("title")


class TestPlan(_OrderedTitle):
    programme = models.ForeignKey(BetaProgramme, on_delete=models.CASCADE, related_name="plans")

    class Meta(_OrderedTitle.Meta):
        verbose_name = _("test plan")
        verbose_name_plural = _("test plans")


class TestTask(_OrderedTitle):
    plan = models.ForeignKey(TestPlan, on_delete=models.CASCADE, related_name="tasks")
    instructions = models.TextField(_("instructions (English)"), max_length=5000, blank=True)
    instructions_zh = models.TextField(_("instructions (Chinese)"), max_length=5000, blank=True)

    class Meta(_OrderedTitle.Meta):
        verbose_name = _("test task")
        verbose_name_plural = _("test tasks")

    @property
    def display_instructions(self):
        return self.localized("instructions")


class TestReport(models.Model):
    __test__ = False

    programme = models.ForeignKey(BetaProgramme, on_delete=models.CASCADE, related_name="reports")
    task = models.ForeignKey(
        TestTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="beta_reports"
    )
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps"), max_length=5000)
    expected = models.TextField(_("expected result"), max_length=2000)
    actual = models.TextField(_("actual result"), max_length=2000)
    severity = models.CharField(_("severity"), max_length=20)
    device = models.CharField(_("device"), max_length=100)
    build = models.CharField(_("build"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    review_note = models.TextField(_("review note"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("test report")
        verbose_name_plural = _("test reports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class TestReportAttachment(models.Model):
    __test__ = False

    report = models.ForeignKey(TestReport, on_delete=models.CASCADE, related_name="attachments")
    image = models.ImageField(upload_to="betas/%Y/%m/")
    content_type = models.CharField(max_length=50)

    class Meta:
        verbose_name = _("test report attachment")
        verbose_name_plural = _("test report attachments")

    def __str__(self):
        return self.image.name


class Entitlement(BilingualMixin, models.Model):
    """A lasting right earned by a member, e.g. "lifetime free OTA upgrades" for
    completing a beta. Shown on the member's profile; other systems can check it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entitlements"
    )
    programme = models.ForeignKey(BetaProgramme, on_delete=models.PROTECT, related_name="entitlements")
    name = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "programme"], name="one_entitlement_per_programme")
        ]

    def __str__(self):
        return f"{self.name} for {self.member_id}"

    @property
    def display_name(self):
        return self.localized("name")
