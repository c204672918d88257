from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import AvatarAccessory, AvatarEyes, AvatarShape, EventStatus, QuestionStatus


class LaunchEvent(BilingualMixin, models.Model):
    """A product launch streamed to the community: a schedule, and live questions a host
    puts to the members in the hall one after another."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), max_length=5000, blank=True)
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="launch_events",
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    min_trust_level = models.PositiveSmallIntegerField(_("minimum trust level to vote"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("launch event")
        verbose_name_plural = _("launch events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="launch_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("launches:hall", args=[self.slug])

    @property
    def display_title(self):
        return self.localized("title")

    @property
    def display_description(self):
        return self.localized("description")


class ScheduleItem(BilingualMixin, models.Model):
    event = models.ForeignKey(LaunchEvent, on_delete=models.CASCADE, related_name="schedule")
    starts_at = models.DateTimeField(_("time"))
    title = models.CharField(_("item (English)"), max_length=200)
    title_zh = models.CharField(_("item (Chinese)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule")
        ordering = ["starts_at", "id"]

    def __str__(self):
        return self.title

    @property
    def display_title(self):
        return self.localized("title")


class LiveQuestion(BilingualMixin, models.Model):
    """A question put to the hall. At most one per event is open at a time (a partial
    unique index), and once closed its exact tally is stored in `result`."""

    event = models.ForeignKey(LaunchEvent, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(_("question (English)"), max_length=300)
    prompt_zh = models.CharField(_("question (Chinese)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("live question")
        verbose_name_plural = _("live questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(status="open"), name="one_open_question_per_event"
            )
        ]

    def __str__(self):
        return self.prompt

    @property
    def display_prompt(self):
        return self.localized("prompt")


class LiveOption(BilingualMixin, models.Model):
    question = models.ForeignKey(LiveQuestion, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option (English)"), max_length=200)
    label_zh = models.CharField(_("option (Chinese)"), max_length=200, blank=True)
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


class LiveBallot(models.Model):
    """One member's answer to one live question: the row is the whole ballot, so casting
    is a single INSERT that the unique constraint keeps to one per member."""

    question = models.ForeignKey(LiveQuestion, on_delete=models.PROTECT, related_name="ballots")
    option = models.ForeignKey(LiveOption, on_delete=models.PROTECT, related_name="ballots")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("live ballot")
        verbose_name_plural = _("live ballots")
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="one_live_ballot_per_member")
        ]

    def __str__(self):
        return f"{self.member_id} → {self.option_id}"


class Attendance(models.Model):
    """A member who joined the hall (and was eligible to vote when they did)."""

    event = models.ForeignKey(LaunchEvent, on_delete=models.CASCADE, related_name="attendees")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="attend_once")]
        indexes = [models.Index(fields=["event", "-joined_at"], name="attendance_recent")]

    def __str__(self):
        return f"{self.member_id} @ {self.event_id}"


class Avatar(models.Model):
    """How a member appears in the hall. Generated from the member's name the first
    time (so everyone has a distinct one without doing anything) and theirs to change."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hall_avatar"
    )
    hue = models.PositiveSmallIntegerField(_("colour"), default=200)
    shape = models.CharField(
        _("shape"), max_length=12, choices=AvatarShape.choices, default=AvatarShape.ROUND
    )
    eyes = models.CharField(_("eyes"), max_length=12, choices=AvatarEyes.choices, default=AvatarEyes.DOTS)
    accessory = models.CharField(
        _("accessory"), max_length=12, choices=AvatarAccessory.choices, default=AvatarAccessory.NONE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avatar")
        verbose_name_plural = _("avatars")
        constraints = [models.CheckConstraint(condition=Q(hue__lt=360), name="avatar_hue_in_range")]

    def __str__(self):
        return f"avatar of {self.member_id}"
