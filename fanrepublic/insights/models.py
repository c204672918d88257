from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import Audience, FitFailure, FitStatus, FitTrigger, SurveyStatus


class ClvFit(models.Model):
    """One fit of the lifetime-value models: the data window it saw, the holdout check
    made before it, the parameters, how long it took, and (for the newest fits) every
    member's figures. A fit is never edited after it finishes; a refit is a new row."""

    status = models.CharField(
        _("status"), max_length=10, choices=FitStatus.choices, default=FitStatus.RUNNING
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=FitTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    engine = models.CharField(_("engine"), max_length=20, blank=True)
    window_start = models.DateField(_("data from"))
    window_end = models.DateField(_("data until"))
    holdout_days = models.PositiveIntegerField(_("holdout (days)"))
    horizon_days = models.PositiveIntegerField(_("horizon (days)"))
    customers = models.PositiveIntegerField(_("customers"), default=0)
    transactions = models.PositiveIntegerField(_("purchase days"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    diagnostics = models.JSONField(_("diagnostics"), default=dict, blank=True)
    failure = models.CharField(_("why it failed"), max_length=10, choices=FitFailure.choices, blank=True)
    error = models.TextField(_("details"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    scores_kept = models.BooleanField(_("member figures kept"), default=False)

    class Meta:
        verbose_name = _("lifetime value fit")
        verbose_name_plural = _("lifetime value fits")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One fit at a time: a second "refit now" (or the schedule meeting an operator's
            # click) is refused by the database, not by a check that two requests could pass.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status=FitStatus.RUNNING), name="clvfit_one_running"
            ),
            models.CheckConstraint(
                condition=Q(window_start__lt=models.F("window_end")), name="clvfit_window"
            ),
        ]

    def __str__(self):
        return f"CLV {self.window_start}–{self.window_end} ({self.get_status_display()})"


class ClvScore(models.Model):
    """One member's figures in one fit. Intervals are 90 % and come from the parameters'
    uncertainty (docs/insights.md)."""

    fit = models.ForeignKey(ClvFit, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_purchase = models.DateField(_("first purchase"))
    repeat_purchases = models.PositiveIntegerField(_("repeat purchase days"))
    recency_days = models.PositiveIntegerField(_("last purchase (days after the first)"))
    age_days = models.PositiveIntegerField(_("days since the first purchase"))
    mean_spend = models.DecimalField(_("mean repeat spend"), max_digits=12, decimal_places=2)
    p_alive = models.FloatField(_("probability still a customer"))
    p_alive_low = models.FloatField()
    p_alive_high = models.FloatField()
    purchases = models.FloatField(_("expected purchase days"))
    purchases_low = models.FloatField()
    purchases_high = models.FloatField()
    value = models.DecimalField(_("expected value"), max_digits=14, decimal_places=2, null=True)
    value_low = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    value_high = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    # A co-creator (interactions.CO_CREATION) by the fit's window end: the segment the
    # co-creator report compares.
    co_creator = models.BooleanField(_("co-creator"), default=False)

    class Meta:
        verbose_name = _("member lifetime value")
        verbose_name_plural = _("member lifetime values")
        constraints = [models.UniqueConstraint(fields=["fit", "member"], name="clvscore_once_per_fit")]
        indexes = [
            models.Index(fields=["fit", "-value"], name="clvscore_fit_value"),
            models.Index(fields=["member", "fit"], name="clvscore_member_fit"),
        ]

    def __str__(self):
        return f"{self.member_id} in fit {self.fit_id}"


class InteractionEstimate(models.Model):
    """What one kind of interaction (or a definition of co-creation: several kinds) is
    associated with: members who did it against members who did not, raw and matched
    (insights/effects.py), as computed on one day. Recomputed by the schedule; the pages
    read the newest row per definition."""

    kinds = models.JSONField(_("interactions"))
    key = models.CharField(max_length=200)  # the kinds, sorted and joined: what a page looks up
    window_end = models.DateField(_("data until"))
    computed_at = models.DateTimeField(_("computed at"))
    treated = models.PositiveIntegerField(_("members who did it"), default=0)
    controls = models.PositiveIntegerField(_("members who did not"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("interaction estimate")
        verbose_name_plural = _("interaction estimates")
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["key", "-computed_at"], name="estimate_key_time")]

    def __str__(self):
        return f"{self.key} @ {self.window_end}"


class Survey(BilingualMixin, models.Model):
    """A Net Promoter Score survey: the 0–10 question, a reason, an optional follow-up,
    sent to a sample of an audience. Anonymous surveys keep no link from an answer to
    the member (their invitation only records that they answered)."""

    title = models.CharField(_("title (English)"), max_length=120)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    question = models.CharField(_("question (English)"), max_length=200)
    question_zh = models.CharField(_("question (Chinese)"), max_length=200, blank=True)
    follow_up = models.CharField(_("follow-up question (English)"), max_length=200, blank=True)
    follow_up_zh = models.CharField(_("follow-up question (Chinese)"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("anonymous answers"), default=False)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    sample_size = models.PositiveIntegerField(
        _("sample size"), null=True, blank=True, help_text=_("Empty: everyone in the audience.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class SurveyInvite(models.Model):
    """One member asked to answer one survey; `answered_at` is set once, in the same
    transaction as the answer, by a conditional UPDATE — so one answer per member even
    when two arrive at once, and without naming them on an anonymous answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invites")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "member"], name="survey_invite_once")]
        indexes = [models.Index(fields=["member", "sent_at"], name="survey_invite_member_time")]

    def __str__(self):
        return f"{self.member_id} → {self.survey_id}"


class SurveyResponse(models.Model):
    """One answer. The segment fields are copied when it arrives, so an anonymous answer
    still counts in "co-creators" or a trust level (groups under 5 are never shown)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    follow_up_answer = models.TextField(_("answer to the follow-up"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    was_co_creator = models.BooleanField(_("co-creator"), default=False)
    trust_level = models.PositiveSmallIntegerField(_("trust level"), default=0)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # The tags casefolded, each between newlines ("\nprice\nbattery\n"), so a tag is
    # found by one substring match in SQL on every database (tags are single-line).
    tag_keys = models.TextField(default="", blank=True, editable=False)
    service_case = models.ForeignKey(
        "trust.ServiceCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="survey_score_0_to_10"),
            # A named answer is one per member and survey (anonymous ones: the invitation).
            models.UniqueConstraint(
                fields=["survey", "member"], condition=Q(member__isnull=False), name="survey_answer_once"
            ),
        ]
        indexes = [models.Index(fields=["survey", "created_at"], name="survey_answer_time")]

    def __str__(self):
        return f"{self.score} on {self.survey_id}"


class DashboardSnapshot(models.Model):
    """The republic's dashboard as computed at one moment (insights/dashboard.py): numbers
    only, keyed by figure; the page reads the newest, so it costs one row to serve."""

    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("time to compute (s)"))
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        ordering = ["-computed_at", "-pk"]

    def __str__(self):
        return f"dashboard {self.computed_at:%Y-%m-%d %H:%M}"
