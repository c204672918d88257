"""Thin: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fanrepublic.core.charts import bar_chart, grouped_bar_chart
from fanrepublic.core.csvexport import csv_response
from fanrepublic.core.forms import submit_form, with_retry_after
from fanrepublic.core.services import audit_record

from . import selectors, services
from .enums import FitStatus
from .forms import RefitForm


def _holdout_chart(fit):
    holdout = fit.diagnostics.get("holdout")
    if not holdout:
        return None
    rows = [row for row in holdout["rows"] if row["customers"]]
    return grouped_bar_chart(
        [selectors.holdout_bucket_label(row) for row in rows],
        [
            (_("Predicted"), [row["predicted"] for row in rows]),
            (_("Actual"), [row["actual"] for row in rows]),
        ],
        title=_("Purchases per customer in the holdout, by repeat purchases before it"),
        chart_id=f"holdout-{fit.pk}",
        min_width=560,
    )


def _curve_chart(fit):
    curve = fit.diagnostics.get("curve") or []
    return bar_chart(
        [(_("%(days)s d") % {"days": days}, round(value, 2)) for days, value in curve],
        title=_("Expected repeat purchase days of a new customer, by days since joining"),
        chart_id=f"curve-{fit.pk}",
        min_width=560,
    )


def _fit_context(request, fit):
    context = {"fit": fit}
    if fit.status == FitStatus.DONE:
        context.update(
            {
                "totals": selectors.totals(viewer=request.user, fit=fit),
                "segments": selectors.segments(viewer=request.user, fit=fit) if fit.scores_kept else None,
                "top": selectors.top_members(viewer=request.user, fit=fit) if fit.scores_kept else [],
                "holdout_chart": _holdout_chart(fit),
                "holdout_rows": [
                    {**row, "label": selectors.holdout_bucket_label(row)}
                    for row in fit.diagnostics.get("holdout", {}).get("rows", [])
                ],
                "curve_chart": _curve_chart(fit),
                "parameter_rows": _parameter_rows(fit),
            }
        )
    return context


def _parameter_rows(fit):
    rows = []
    for model, label in (
        ("bgnbd", _("Purchases and drop-out (BG/NBD)")),
        ("gamma_gamma", _("Spend (Gamma-Gamma)")),
    ):
        values = fit.parameters.get(model) or {}
        intervals = (fit.diagnostics.get(model) or {}).get("intervals", {})
        for name, value in values.items():
            low, high = intervals.get(name, (None, None))
            rows.append({"model": label, "name": name, "value": value, "low": low, "high": high})
    return rows


@login_required
@require_GET
def index(request):
    latest = selectors.latest_fit(viewer=request.user)
    return render(
        request,
        "insights/index.html",
        {
            "latest": latest,
            "totals": selectors.totals(viewer=request.user, fit=latest) if latest else None,
            "running": selectors.running_fit(viewer=request.user),
        },
    )


@login_required
@require_GET
def clv(request, form=None, status=200):
    latest = selectors.latest_fit(viewer=request.user)
    context = _fit_context(request, latest) if latest else {}
    context.update(
        {
            "latest": latest,
            "running": selectors.running_fit(viewer=request.user),
            "fits": selectors.fits(viewer=request.user)[:20],
            "form": form or RefitForm(),
        }
    )
    return with_retry_after(render(request, "insights/clv.html", context, status=status), form)


@login_required
@require_POST
def refit(request):
    selectors.fits(viewer=request.user)  # 404 before reading anything for a non-operator
    form = RefitForm(request.POST)
    fit, status = submit_form(form, lambda data: services.clv_fit_start(actor=request.user, **data))
    if fit is None:
        request.method = "GET"
        return clv(request, form=form, status=status)
    fit.refresh_from_db()
    if fit.status == FitStatus.RUNNING:
        messages.info(request, _("The fit has started; this page shows its result when it is done."))
    return redirect("insights:fit", pk=fit.pk)


@login_required
@require_GET
def fit_detail(request, pk):
    fit = selectors.fit_get(viewer=request.user, pk=pk)
    return render(request, "insights/fit.html", _fit_context(request, fit))


@login_required
@require_GET
def fit_status(request, pk):
    """The running fit's box, polled by the page until the fit ends (then it reloads)."""
    fit = selectors.fit_get(viewer=request.user, pk=pk)
    response = render(request, "insights/partials/fit_status.html", {"fit": fit})
    if fit.status != FitStatus.RUNNING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def fit_export(request, pk):
    fit = selectors.fit_get(viewer=request.user, pk=pk)
    audit_record(actor=request.user, action="insights.clv.exported", target=fit)
    header = [
        _("Member"),
        _("First purchase"),
        _("Repeat purchase days"),
        _("Days since the first purchase"),
        _("Mean repeat spend (yuan)"),
        _("Probability still a customer"),
        _("Expected purchase days"),
        _("Expected value (yuan)"),
        _("Expected value, low (90 %)"),
        _("Expected value, high (90 %)"),
    ]
    rows = (
        [
            score.member.username,
            score.first_purchase.isoformat(),
            score.repeat_purchases,
            score.age_days,
            score.mean_spend,
            round(score.p_alive, 4),
            round(score.purchases, 3),
            score.value,
            score.value_low,
            score.value_high,
        ]
        for score in selectors.export_scores(viewer=request.user, fit=fit)
    )
    return csv_response(filename=f"clv-{fit.pk}-{fit.window_end.isoformat()}.csv", header=header, rows=rows)


@login_required
@require_GET
def member(request, member_id):
    history = selectors.member_history(viewer=request.user, member_id=member_id)
    return render(request, "insights/member.html", {"history": history, "member": history[0].member})
