from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import FitFailure, FitStatus, FitTrigger


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
