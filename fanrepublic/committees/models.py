from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import ElectionStatus, FollowUp, NeedStatus


class Committee(BilingualMixin, models.Model):
    """The user representatives of one product line: how many seats, for how long, how
    many terms in a row, and who may stand and vote."""

    product_line = models.OneToOneField(
        "products.ProductLine", on_delete=models.PROTECT, related_name="committee"
    )
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=12)
    term_limit = models.PositiveSmallIntegerField(_("terms in a row at most"), default=2)
    min_trust_to_stand = models.PositiveSmallIntegerField(_("trust level to stand"), default=3)
    min_trust_to_vote = models.PositiveSmallIntegerField(_("trust level to vote"), default=1)
    owners_only = models.BooleanField(_("only owners of the product stand and vote"), default=True)
    owners_verified_only = models.BooleanField(
        _("only verified owners stand and vote"),
        default=False,
        help_text=_(
            "Owners count only when a purchase or a registered serial number shows it, not by "
            "their own word. Needs owners only."
        ),
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["product_line__position"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="committee_has_seats"),
            models.CheckConstraint(
                condition=Q(owners_verified_only=False) | Q(owners_only=True),
                name="committee_verified_owners_are_owners",
                violation_error_message=_("Verified owners only needs owners only."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("committees:committee", args=[self.slug])

    @property
    def display_name(self):
        return self.localized("name")


class Election(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="elections")
    seats_to_fill = models.PositiveSmallIntegerField(_("seats to fill"))
    candidacy_closes_at = models.DateTimeField(_("candidacies close"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    status = models.CharField(
        _("status"), max_length=20, choices=ElectionStatus.choices, default=ElectionStatus.CANDIDACY
    )
    vote = models.OneToOneField(
        "governance.Vote", null=True, blank=True, on_delete=models.PROTECT, related_name="election"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_closes_at__gt=models.F("candidacy_closes_at")),
                name="election_votes_after_candidacy",
            ),
        ]

    def __str__(self):
        return f"{self.committee} election {self.created_at:%Y-%m}"

    def get_absolute_url(self):
        return reverse("committees:election", args=[self.committee.slug, self.pk])


class Candidacy(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidacies")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidacies")
    statement = models.TextField(_("statement"), max_length=3000)
    withdrawn = models.BooleanField(default=False)
    option = models.OneToOneField(
        "governance.VoteOption", null=True, blank=True, on_delete=models.PROTECT, related_name="candidacy"
    )
    rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Order after the count: 1 is first.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["rank", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="one_candidacy_per_election")
        ]

    def __str__(self):
        return f"{self.member} in {self.election}"


class Seat(models.Model):
    """A member's term on a committee, from an election (or moved up to fill a vacancy)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="seats_held")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="seats")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    filled_vacancy = models.BooleanField(_("filled a vacancy"), default=False)

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.member} on {self.committee}"

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return self.left_on is None and self.starts_on <= today <= self.ends_on


class Need(models.Model):
    """What members need from a product line ("filter pet hair"), supported by others,
    shortlisted by the committee onto a planning meeting, decided, and traced to what
    happened next."""

    product_line = models.ForeignKey("products.ProductLine", on_delete=models.PROTECT, related_name="needs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what and why"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    support_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-support_count", "-created_at"]

    def __str__(self):
        return self.title


class NeedSupport(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["need", "member"], name="support_once")]

    def __str__(self):
        return f"{self.member_id} supports {self.need_id}"


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    quarter = models.CharField(_("quarter"), max_length=20, help_text=_("E.g. 2026 Q4."))
    scheduled_at = models.DateTimeField(_("date"))
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    minutes_html = models.TextField(editable=False, blank=True)
    held = models.BooleanField(_("held"), default=False)
    agenda = models.ManyToManyField(Need, verbose_name=_("agenda"), blank=True, related_name="meetings")

    class Meta:
        verbose_name = _("planning meeting")
        verbose_name_plural = _("planning meetings")
        ordering = ["-scheduled_at"]

    def __str__(self):
        return f"{self.committee} {self.quarter}"

    def get_absolute_url(self):
        return reverse("committees:meeting", args=[self.committee.slug, self.pk])


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"), max_length=3000)
    follow_up = models.CharField(
        _("what happened next"), max_length=20, choices=FollowUp.choices, default=FollowUp.PENDING
    )
    release_item = models.ForeignKey(
        "releases.ReleaseItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_decisions",
    )
    link = models.URLField(_("link (requirement, product page)"), blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:60]
