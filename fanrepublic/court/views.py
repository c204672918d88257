"""Thin: parse input, call one service or selector, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import act_then_redirect, submit_form, with_retry_after

from . import permissions, selectors, services
from .enums import CaseStatus, JurorState
from .forms import AnswerForm, CaseForm, PolicyForm, RefuseForm


@require_GET
def index(request):
    return render(request, "court/index.html", {"legal": permissions.is_legal(request.user)})


@login_required
@require_GET
def queue(request):
    """Legal staff's list: cases waiting for admission, and those in progress."""
    if not permissions.is_legal(request.user):
        raise NotFound()
    return render(
        request,
        "court/queue.html",
        {"waiting": selectors.waiting_for_admission(), "open_cases": selectors.cases_open_to_legal()[:100]},
    )


@login_required
@require_GET
def mine(request):
    return render(
        request,
        "court/mine.html",
        {
            "cases": selectors.cases_of(member=request.user),
            "invitations": selectors.invitations_of(member=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_file(request):
    if not permissions.can_file(request.user):
        raise NotFound()
    form = CaseForm(request.POST or None, member=request.user)
    if request.method == "POST":
        case, status = submit_form(form, lambda data: services.case_file(claimant=request.user, **data))
        if case is not None:
            messages.success(
                request,
                _("Case %(number)s filed: legal staff decide whether it is admitted.")
                % {"number": case.number},
            )
            return redirect(case)
        return with_retry_after(render(request, "court/file.html", {"form": form}, status=status), form)
    return render(request, "court/file.html", {"form": form})


def _case_page(request, case, *, refuse_form=None, status=200):
    record = case.draws.order_by("-round").first()
    legal = permissions.is_legal(request.user)
    place = (
        record.jurors.filter(member=request.user, state__in=(JurorState.INVITED, JurorState.ACCEPTED)).first()
        if record is not None
        else None
    )
    return render(
        request,
        "court/case.html",
        {
            "case": case,
            "draw": record,
            "jury": selectors.jury_of(record) if record is not None and record.drawn_at else [],
            "legal": legal,
            "place": place,
            "refuse_form": refuse_form
            or (RefuseForm() if legal and case.status == CaseStatus.FILED else None),
        },
        status=status,
    )


@login_required
@require_GET
def case(request, number):
    return _case_page(request, selectors.case_for(viewer=request.user, number=number))


def _legal_case(request, number):
    if not permissions.is_legal(request.user):
        raise NotFound()
    return selectors.case_for(viewer=request.user, number=number)


@login_required
@require_POST
def case_admit(request, number):
    found = _legal_case(request, number)
    return act_then_redirect(
        request,
        found,
        lambda: services.case_admit(actor=request.user, case=found),
        _("Admitted. The draw's commitment is published; draw the jury when the pool should be frozen."),
    )


@login_required
@require_POST
def case_refuse(request, number):
    found = _legal_case(request, number)
    form = RefuseForm(request.POST)
    refused, status = submit_form(
        form, lambda data: services.case_refuse(actor=request.user, case=found, **data)
    )
    if refused is None:
        return with_retry_after(_case_page(request, found, refuse_form=form, status=status), form)
    messages.success(request, _("The case is not admitted; the claimant reads your reasons."))
    return redirect(found)


@login_required
@require_POST
def jury_draw(request, number):
    found = _legal_case(request, number)
    return act_then_redirect(
        request,
        found,
        lambda: services.jury_draw(actor=request.user, case=found),
        _("The jury is drawn and the invited jurors are told. The seed and the pool are published."),
    )


@login_required
@require_POST
def juror_answer(request, pk):
    form = AnswerForm(request.POST)
    accept = bool(form.is_valid() and form.cleaned_data["accept"])
    try:
        services.juror_answer(member=request.user, juror_id=pk, accept=accept)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Thank you: you sit on this jury.")
            if accept
            else _("Declined: the next juror of the draw is invited."),
        )
    return redirect("court:mine")


@require_GET
def draw_page(request, number, round):
    record = selectors.draw_public(number=number, round_=round)
    published = selectors.draw_published(record)
    return render(
        request,
        "court/draw.html",
        {
            "draw": record,
            "published": published,
            "order": published.get("order", {}),
            "jury": selectors.jury_of(record) if record.drawn_at else [],
            "mine": selectors.own_pseudonym(record, request.user),
        },
    )


@require_GET
def draw_file(request, number, round):
    record = selectors.draw_public(number=number, round_=round)
    response = HttpResponse(
        json.dumps(selectors.draw_published(record), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="draw-{record.case.number}-{record.round}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    """The operator's jury rules: the ones in force, a form for the next version, the history."""
    if not permissions.can_set_policy(request.user):
        raise NotFound()
    rules = selectors.rules_in_force()
    initial = {name: getattr(rules, name) for name in services.POLICY_BOUNDS}
    form = PolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        made, status = submit_form(form, lambda data: services.policy_set(actor=request.user, **data))
        if made is not None:
            messages.success(request, _("Version %(n)d of the jury rules is in force.") % {"n": made.version})
            return redirect("court:policy")
    return with_retry_after(
        render(
            request,
            "court/policy.html",
            {"form": form, "rules": rules, "history": selectors.policies()},
            status=status,
        ),
        form,
    )
