from celery import shared_task

from . import estimating, services, surveys


@shared_task
def refit_clv_when_due() -> int | None:
    """The schedule: start a fit when the newest is older than INSIGHTS_CLV_REFIT_HOURS,
    and mark a fit whose worker died as failed."""
    services.clv_fits_lost_mark()
    fit = services.clv_refit_if_due()
    return fit.pk if fit else None


@shared_task
def close_surveys() -> int:
    """Close the surveys whose answering time is over."""
    return surveys.surveys_close_due()


@shared_task
def refresh_interaction_estimates() -> int:
    """Every kind of interaction and the default co-creation, compared afresh."""
    return estimating.refresh_estimates()


@shared_task
def refresh_dashboard() -> float:
    """The republic's dashboard, recomputed; returns how long it took (seconds)."""
    return services.dashboard_refresh().seconds
