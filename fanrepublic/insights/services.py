"""Writes: one function per use case, keyword-only, one transaction each."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.tasks import enqueue_on_commit

from . import dashboard, estimating, fitting, interactions, permissions
from .enums import FitFailure, FitStatus, FitTrigger
from .models import ClvFit

LIMITS = {
    "years": (1, 10),
    "holdout_days": (14, 365),
    "horizon_days": (30, 1825),
}


def _checked(name: str, value) -> int:
    low, high = LIMITS[name]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed(
            _("Choose a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=name
        )
    return value


def clv_fit_start(
    *,
    actor=None,
    years: int = 3,
    holdout_days: int = 90,
    horizon_days: int = 365,
    window_end: date | None = None,
) -> ClvFit:
    """Start a fit of the purchase history up to `window_end` (today): an operator's
    "refit now" (actor given) or the schedule's (no actor). The fit runs as a task once
    this commits; only one runs at a time."""
    if actor is not None and not permissions.can_refit(actor):
        raise Forbidden()
    years = _checked("years", years)
    holdout_days = _checked("holdout_days", holdout_days)
    horizon_days = _checked("horizon_days", horizon_days)
    if actor is not None:
        _recompute_counted(actor)
    end = window_end or timezone.localdate()
    start = end - timedelta(days=365 * years)
    try:
        with transaction.atomic():
            fit = ClvFit.objects.create(
                trigger=FitTrigger.DEMAND if actor else FitTrigger.SCHEDULE,
                requested_by=actor,
                window_start=start,
                window_end=end,
                holdout_days=holdout_days,
                horizon_days=horizon_days,
                started_at=timezone.now(),
            )
            if actor is not None:
                audit_record(actor=actor, action="insights.clv.refit", target=fit)
    except IntegrityError:
        raise Conflict(_("A fit is already running; its result will be here shortly.")) from None
    enqueue_on_commit(fitting.run_clv_fit, fit.pk)
    return fit


def clv_refit_if_due(*, now=None) -> ClvFit | None:
    now = now or timezone.now()
    hours = getattr(settings, "INSIGHTS_CLV_REFIT_HOURS", 24)
    newest = ClvFit.objects.exclude(status=FitStatus.FAILED).order_by("-started_at").first()
    if newest and newest.started_at > now - timedelta(hours=hours):
        return None
    try:
        return clv_fit_start()
    except Conflict:
        return None


def clv_fits_lost_mark(*, now=None) -> int:
    """A fit still running after INSIGHTS_CLV_LOST_HOURS lost its worker: mark it failed,
    so the next one may start."""
    now = now or timezone.now()
    hours = getattr(settings, "INSIGHTS_CLV_LOST_HOURS", 3)
    return ClvFit.objects.filter(
        status=FitStatus.RUNNING, started_at__lt=now - timedelta(hours=hours)
    ).update(status=FitStatus.FAILED, failure=FitFailure.LOST, finished_at=now)


def estimates_request(*, actor, kinds) -> None:
    """An operator asks for the comparisons to be computed now (for a definition of
    co-creation of their own choosing, and every single kind)."""
    if not permissions.can_refit(actor):
        raise Forbidden()
    chosen = _kinds_checked(kinds)
    _recompute_counted(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="insights.estimates.requested",
            target=actor,
            data={"kinds": list(chosen)},
        )
    enqueue_on_commit(estimating.refresh_estimates, list(chosen))


def _kinds_checked(kinds) -> tuple[str, ...]:
    chosen = tuple(sorted(set(kinds or ())))
    if not chosen or any(code not in interactions.KINDS for code in chosen):
        raise ValidationFailed(_("Choose at least one kind of interaction."), field="kinds")
    return chosen


def _recompute_counted(actor) -> None:
    """Each recompute an operator asks for costs the database a full pass over the
    community's history: INSIGHTS_RECOMPUTE_RATE of them per operator (RateLimited,
    429 with Retry-After, beyond it)."""
    ratelimit.hit("insights-recompute", str(actor.pk), settings.INSIGHTS_RECOMPUTE_RATE)


def dashboard_refresh_request(*, actor) -> None:
    """An operator's "Refresh now": audited and counted here, computed by a task once
    this commits (in the embedded setup, tasks run at once), never inside the request."""
    if not permissions.can_see_insights(actor):
        raise Forbidden()
    _recompute_counted(actor)
    with transaction.atomic():
        audit_record(actor=actor, action="insights.dashboard.refreshed", target=actor)
    enqueue_on_commit(dashboard.refresh_queued)


def dashboard_refresh():
    """Compute the dashboard now (the schedule's task). Keeps the newest snapshots only."""
    return dashboard.refresh_and_prune()


DASHBOARD_KEPT = dashboard.KEPT
