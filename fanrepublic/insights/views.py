"""Thin: parse input, call one service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.charts import bar_chart, grouped_bar_chart, signed_bar_chart
from fanrepublic.core.csvexport import csv_response
from fanrepublic.core.errors import DomainError, ValidationFailed
from fanrepublic.core.forms import submit_form, with_retry_after
from fanrepublic.core.services import audit_record

from . import dashboard, interactions, permissions, selectors, services
from . import surveys as surveys_service
from .enums import FitStatus
from .forms import AnswerForm, DefinitionForm, RefitForm, SurveyForm, TagForm


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
            "cocreators": selectors.latest_estimate(viewer=request.user, kinds=interactions.CO_CREATION),
            "nps": selectors.nps_summary(viewer=request.user),
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
    permissions.access_insights(request.user)
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


# Exports are POSTs: they write an audit entry, which a cross-site link must not be able to.
@login_required
@require_POST
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


def _shown(estimate) -> dict:
    """A stored comparison for a page: its figures, and how much of the raw gap the
    matched comparison keeps (in %)."""
    result = dict(estimate.result) if estimate else {}
    if result.get("raw_difference"):
        result["surviving"] = 100 * result["matched_difference"] / result["raw_difference"]
    if result.get("balance"):
        labels = {
            "log_prior_spend": _("Spend in the year before (log)"),
            "log_tenure_days": _("Days as a member (log)"),
            "log_prior_events": _("Activity in the year before (log)"),
        }
        result["balance"] = [
            (labels.get(name, name), before, after) for name, before, after in result["balance"]
        ]
    return result


def _comparison_rows(viewer):
    rows = []
    for code, kind in interactions.KINDS.items():
        found = selectors.latest_estimate(viewer=viewer, kinds=(code,))
        rows.append({"kind": kind, "estimate": found, "result": _shown(found)})
    return rows


def _effects_chart(rows):
    shown = [row for row in rows if row["result"]]
    if not shown:
        return None
    return grouped_bar_chart(
        [str(row["kind"].label) for row in shown],
        [
            (_("Raw gap"), [max(0.0, row["result"]["raw_difference"]) for row in shown]),
            (_("Matched"), [max(0.0, row["result"]["matched_difference"]) for row in shown]),
        ],
        title=_("Extra spend per year of members who did it, raw and matched (yuan; gaps below 0 not drawn)"),
        chart_id="effects",
        min_width=640,
    )


@login_required
@require_GET
def effects(request):
    permissions.access_insights(request.user)
    # Only a query naming kinds is a choice; other parameters (a tracking tag) are not.
    chosen = request.GET if "kinds" in request.GET else None
    form = DefinitionForm(chosen, initial={"kinds": list(interactions.CO_CREATION)})
    kinds = form.cleaned_data["kinds"] if form.is_bound and form.is_valid() else interactions.CO_CREATION
    report = selectors.latest_estimate(viewer=request.user, kinds=kinds)
    rows = _comparison_rows(request.user)
    return render(
        request,
        "insights/effects.html",
        {
            "form": form,
            "kinds": [interactions.KINDS[code] for code in kinds],
            "kind_codes": list(kinds),
            "report": report,
            "r": _shown(report),
            "rows": rows,
            "chart": _effects_chart(rows),
            "history": selectors.estimate_history(viewer=request.user, kinds=kinds),
            "nps_gap": _shown(selectors.nps_gap_estimate(viewer=request.user)),
        },
        status=200 if not form.is_bound or form.is_valid() else 422,
    )


@login_required
@require_POST
def effects_compute(request):
    permissions.access_insights(request.user)
    kinds = request.POST.getlist("kinds")
    try:
        services.estimates_request(actor=request.user, kinds=kinds)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("insights:effects")
    messages.success(request, _("The comparisons are being computed; they show here when they are done."))
    query = "&".join(f"kinds={code}" for code in sorted(set(kinds)))
    return redirect(f"{reverse('insights:effects')}?{query}")


# ---- NPS surveys ---------------------------------------------------------------------


def _months_chart(summary):
    months = [row for row in summary["months"] if row["shown"]]
    if not months:
        return None
    return signed_bar_chart(
        [(row["label"], round(row["nps"], 1)) for row in months],
        title=_("NPS by month (months with fewer than 5 answers left out)"),
        low=-100,
        high=100,
        chart_id="nps-months",
        min_width=480,
    )


def _distribution_chart(summary):
    return bar_chart(
        [(str(score), count) for score, count in enumerate(summary["distribution"])],
        title=_("Answers by score, 0 to 10"),
        chart_id="nps-scores",
        min_width=420,
    )


@login_required
@require_GET
def surveys(request):
    summary = selectors.nps_summary(viewer=request.user)
    return render(
        request,
        "insights/surveys.html",
        {
            "surveys": selectors.surveys(viewer=request.user)[:50],
            "s": summary,
            "months_chart": _months_chart(summary),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk=None):
    found = selectors.survey_get(viewer=request.user, pk=pk) if pk else None
    if found is None:
        permissions.access_insights(request.user)
    form = SurveyForm(request.POST or None, instance=found)
    status = 200
    if request.method == "POST":
        saved, status = submit_form(
            form, lambda data: surveys_service.survey_save(actor=request.user, data=data, survey=found)
        )
        if saved:
            messages.success(request, _("The survey is saved. Send it when it reads right."))
            return redirect("insights:survey", pk=saved.pk)
    return render(
        request,
        "insights/survey_edit.html",
        {"form": form, "survey": found, "throttle_days": settings.INSIGHTS_SURVEY_THROTTLE_DAYS},
        status=status,
    )


@login_required
@require_GET
def survey(request, pk):
    found = selectors.survey_get(viewer=request.user, pk=pk)
    summary = selectors.nps_summary(viewer=request.user, survey=found)
    query, tag, category = (
        request.GET.get("q", ""),
        request.GET.get("tag", ""),
        request.GET.get("category", ""),
    )
    answers = selectors.verbatims(viewer=request.user, survey=found, query=query, tag=tag, category=category)
    page = Paginator(answers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/survey.html",
        {
            "survey": found,
            "s": summary,
            "distribution_chart": _distribution_chart(summary),
            "page": page,
            "q": query,
            "tag": tag,
            "category": category,
        },
    )


def _staff_post(request, pk, action, done):
    found = selectors.survey_get(viewer=request.user, pk=pk)
    try:
        result = action(found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(result))
    return redirect("insights:survey", pk=found.pk)


@login_required
@require_POST
def survey_send(request, pk):
    return _staff_post(
        request,
        pk,
        lambda found: surveys_service.survey_send(actor=request.user, survey=found),
        lambda count: (
            ngettext("Sent to %(count)d member.", "Sent to %(count)d members.", count) % {"count": count}
        ),
    )


@login_required
@require_POST
def survey_close(request, pk):
    return _staff_post(
        request,
        pk,
        lambda found: surveys_service.survey_close(actor=request.user, survey=found),
        lambda _found: _("The survey is closed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk):
    found = selectors.survey_to_answer(member=request.user, pk=pk)
    problem = surveys_service.answering_problem(member=request.user, survey=found)
    form = AnswerForm(request.POST or None, survey=found)
    status = 200
    if request.method == "POST" and not problem:
        saved, status = submit_form(
            form,
            lambda data: surveys_service.survey_answer(
                member=request.user,
                survey=found,
                score=data["score"],
                reason=data.get("reason", ""),
                follow_up_answer=data.get("follow_up_answer", ""),
            ),
        )
        if saved:
            messages.success(request, _("Thank you! Your answer helps decide what we build next."))
            return redirect("insights:answer", pk=found.pk)
    return render(
        request,
        "insights/answer.html",
        {"survey": found, "form": form, "problem": problem},
        status=status if not problem or request.method == "GET" else 409,
    )


@login_required
@require_POST
def answer_tag(request, pk):
    response = selectors.response_get(viewer=request.user, pk=pk)
    form = TagForm(request.POST)
    if form.is_valid():
        tags = [t for t in form.cleaned_data["tags"].split(",")]
        try:
            surveys_service.response_tag(actor=request.user, response=response, tags=tags)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Tags are at most 200 characters in all."))
    return redirect(f"{reverse('insights:survey', args=[response.survey_id])}#answer-{response.pk}")


@login_required
@require_POST
def answer_route(request, pk):
    response = selectors.response_get(viewer=request.user, pk=pk)
    try:
        case = surveys_service.response_route(actor=request.user, response=response)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Service case %(number)d is open with the member's store.") % {"number": case.pk}
        )
    return redirect(f"{reverse('insights:survey', args=[response.survey_id])}#answer-{response.pk}")


# ---- The republic's dashboard --------------------------------------------------------


def _figure_detail(code: str, found: dict) -> str:
    detail = found.get("detail") or []
    if code == "answered_within_7_days" and detail:
        return _("%(answered)s of %(topics)s topics") % {"answered": detail[0], "topics": detail[1]}
    if code == "beta_report_approval" and detail:
        return _("%(approved)s of %(reviewed)s reviewed") % {"approved": detail[0], "reviewed": detail[1]}
    if code in ("bounty_points_paid", "bounty_top_month") and detail and detail[0] is not None:
        return _("≈ ¥%(yuan)s at the store's prices (¥%(rate)s a point)") % {
            "yuan": number_format(detail[0], 0, force_grouping=True),
            "rate": detail[1],
        }
    if code == "court_execution_rate" and detail:
        return _("%(executed)s of %(owed)s remedies due or done") % {"executed": detail[0], "owed": detail[1]}
    if code == "court_settled_share" and detail:
        return _("of %(n)s cases with an outcome") % {"n": detail[0]}
    if code == "cocreator_spend_ratio" and detail and detail[0] is not None:
        return _("raw %(raw).2f×, %(count)s co-creators") % {"raw": detail[0], "count": detail[1]}
    if code == "cocreator_nps_gap" and detail:
        text = _("%(co)s co-creators' and %(others)s others' answers") % {
            "co": detail[0],
            "others": detail[1],
        }
        if len(detail) > 2 and detail[2] is not None:
            text += " · " + _("matched: %(gap)+.0f") % {"gap": detail[2]}
        return text
    return ""


def _dashboard_groups(snapshot):
    groups: dict[str, list] = {}
    for figure in dashboard.FIGURES:
        found = snapshot.figures.get(figure.code, {}) if snapshot else {}
        trend = found.get("trend") or []
        groups.setdefault(str(figure.group), []).append(
            {
                "figure": figure,
                "value": found.get("value"),
                "detail": _figure_detail(figure.code, found),
                "rows": found.get("rows") or [],
                "chart": bar_chart(
                    [(str(label), value) for label, value in trend],
                    title=str(figure.label),
                    unit=figure.unit if figure.unit in ("%", "d") else "",
                    chart_id=f"trend-{figure.code}",
                    min_width=480,
                )
                if trend
                else None,
                "url": reverse(figure.link) if figure.link else "",
            }
        )
    return list(groups.items())


@login_required
@require_GET
def dashboard_page(request):
    snapshot = selectors.dashboard_latest(viewer=request.user)
    return render(
        request,
        "insights/dashboard.html",
        {"snapshot": snapshot, "groups": _dashboard_groups(snapshot)},
    )


@login_required
@require_POST
def dashboard_refresh(request):
    permissions.access_insights(request.user)
    services.dashboard_refresh_request(actor=request.user)
    messages.success(request, _("The dashboard is being computed afresh; it shows here when it is done."))
    return redirect("insights:dashboard")


@login_required
@require_POST
def dashboard_export(request):
    snapshot = selectors.dashboard_latest(viewer=request.user)
    audit_record(actor=request.user, action="insights.dashboard.exported", target=request.user)
    rows = []
    for figure in dashboard.FIGURES:
        found = snapshot.figures.get(figure.code, {}) if snapshot else {}
        value = found.get("value")
        rows.append(
            [
                str(figure.group),
                str(figure.label),
                value if isinstance(value, int | float) else "",
                figure.unit,
                str(figure.definition),
                _figure_detail(figure.code, found),
                snapshot.computed_at.isoformat() if snapshot else "",
            ]
        )
    return csv_response(
        filename="republic-dashboard.csv",
        header=[
            _("Area"),
            _("Figure"),
            _("Value"),
            _("Unit"),
            _("Definition"),
            _("Details"),
            _("Computed at"),
        ],
        rows=rows,
    )
