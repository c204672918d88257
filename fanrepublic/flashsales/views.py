"""Thin: parse input, call one service or selector, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.errors import DomainError, NotFound, RateLimited, Unavailable, ValidationFailed
from fanrepublic.core.forms import submit_form
from fanrepublic.core.markdown import render_markdown
from fanrepublic.payments.providers import registry

from . import permissions, selectors, services
from .forms import CloseForm, ReserveForm, SaleForm


def index(request):
    return render(
        request,
        "flashsales/index.html",
        {
            "sales": selectors.sales_listed(viewer=request.user)[:50],
            "can_run": permissions.can_run_sales(request.user),
        },
    )


def _room(request, sale):
    now = timezone.now()
    place = services.place_of(sale=sale, member=request.user)
    holds = list(selectors.holds_of(member=request.user, sale=sale)[:10])
    counts = selectors.unit_counts(sale)
    return {
        "sale": sale,
        "now": now,
        "open": services.is_open(sale, now),
        "before": now < sale.opens_at,
        "place": place,
        "holds": holds,
        "counts": counts,
        "left": counts["free"] + counts["held"],
        "problems": permissions.eligibility_problems(request.user, sale)
        if request.user.is_authenticated
        else [],
        "form": ReserveForm(),
    }


def _sale_page(request, found, *, status=200):
    context = _room(request, found)
    context["description"] = render_markdown(found.localized("description"))
    context["demo_money"] = "offline" in registry.enabled_codes()
    context["can_run"] = permissions.can_run_sales(request.user)
    return render(request, "flashsales/sale.html", context, status=status)


@require_GET
def sale(request, slug):
    return _sale_page(request, selectors.sale_get(viewer=request.user, slug=slug))


@require_GET
def room(request, slug):
    """The waiting room's part of the page, polled every two seconds."""
    found = selectors.sale_get(viewer=request.user, slug=slug)
    return render(request, "flashsales/partials/room.html", _room(request, found))


def _act(request, found, action, success: str):
    """Run a member's action: on success, the message and the result; refused, the
    message (a rate limit answers 429 with its Retry-After on the sale's page)."""
    try:
        result = action()
    except RateLimited as exc:
        messages.error(request, exc.text)
        response = _sale_page(request, found, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return None, response
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.text)
        return None, redirect(found)
    messages.success(request, success)
    return result, None


@login_required
@require_POST
def join(request, slug):
    found = selectors.sale_get(viewer=request.user, slug=slug)
    _entrant, refused = _act(
        request,
        found,
        lambda: services.waiting_room_join(actor=request.user, sale=found),
        _("You are in the waiting room."),
    )
    return refused or redirect(found)


@login_required
@require_POST
def reserve(request, slug):
    found = selectors.sale_get(viewer=request.user, slug=slug)
    form = ReserveForm(request.POST)
    provider = form.cleaned_data["provider"] if form.is_valid() else ""
    hold, refused = _act(
        request,
        found,
        lambda: services.reserve(actor=request.user, sale=found, provider_code=provider),
        _("A unit is yours for a few minutes: pay now to keep it."),
    )
    if refused:
        return refused
    if isinstance(hold, services.Admitted):
        # Redis gave the unit; the writer has not stored it yet. The page shows the hold
        # with its Pay button as soon as it is stored.
        messages.info(request, _("It is being recorded: the button to pay appears here in a moment."))
        return redirect(found)
    return redirect(hold.payment)


@login_required
@require_POST
def pay(request, slug, hold_id):
    found = selectors.sale_get(viewer=request.user, slug=slug)
    hold = selectors.my_hold(member=request.user, sale=found, hold_id=hold_id)
    form = ReserveForm(request.POST)
    provider = form.cleaned_data["provider"] if form.is_valid() else ""
    paid, refused = _act(
        request,
        found,
        lambda: services.hold_pay(actor=request.user, hold=hold, provider_code=provider),
        _("Pay now to keep the unit."),
    )
    return refused or redirect(paid.payment)


def _error(exc: DomainError) -> JsonResponse:
    fields = exc.errors if isinstance(exc, ValidationFailed) else {}
    response = JsonResponse(
        {"error": {"code": exc.code, "message": exc.text, "fields": fields}}, status=exc.status
    )
    if isinstance(exc, RateLimited | Unavailable):
        response["Retry-After"] = str(exc.retry_after)
    return response


_REFUSAL_BODIES: dict[tuple, bytes] = {}


def _refusal(exc: DomainError) -> HttpResponse:
    """A refusal is this path's everyday answer (most buyers hear "all held"): its body
    made once per process for each message, and not logged as a warning by Django's
    request logger, thousands a second."""
    if isinstance(exc, ValidationFailed):
        response = _error(exc)
    else:
        key = (exc.code, exc.text)
        body = _REFUSAL_BODIES.get(key)
        if body is None:
            if len(_REFUSAL_BODIES) > 1000:
                _REFUSAL_BODIES.clear()
            body = _REFUSAL_BODIES[key] = json.dumps(
                {"error": {"code": exc.code, "message": exc.text, "fields": {}}}
            ).encode()
        response = HttpResponse(body, status=exc.status, content_type="application/json")
        if isinstance(exc, RateLimited | Unavailable):
            response["Retry-After"] = str(exc.retry_after)
    response._has_been_logged = True
    return response


@csrf_exempt  # authenticated by the X-Flash-Pass header, which another site cannot send
@require_POST
def hold_json(request, slug):
    """The launch-night reservation path: the flash pass instead of a session or token,
    the sale in the address (no body), one Redis call. 201 with the unit held for the
    member; then GET /api/v1/flash/<slug>/holds shows it once stored, and POST
    …/holds/<id>/pay starts its payment. Without Redis deciding (the embedded default),
    404: the API's /reserve does it in the database. Answers as the API does:
    401 `pass_invalid`, 409 `not_your_turn`, `over_limit`, `all_held`, `sold_out`,
    `sale_closed`, 429, 503."""
    try:
        if not services.admission.enabled():
            raise NotFound()
        terms = selectors.sale_terms(slug)
        member_id, place = services.read_flash_pass(request.META.get("HTTP_X_FLASH_PASS", ""), terms.pk)
        held = services.reserve_fast(sale=terms, member_id=member_id, place=place)
    except DomainError as exc:
        return _refusal(exc)
    body = {"unit_number": held.unit_number, "ticket": held.ticket, "expires_at": held.expires_at.isoformat()}
    return HttpResponse(json.dumps(body), status=201, content_type="application/json")


@login_required
@require_POST
def release(request, slug, hold_id):
    found = selectors.sale_get(viewer=request.user, slug=slug)
    hold = selectors.my_hold(member=request.user, sale=found, hold_id=hold_id)
    services.hold_release(actor=request.user, hold=hold)
    messages.success(request, _("The unit is back in the pool."))
    return redirect(found)


@require_GET
def record(request, slug):
    found = selectors.sale_get(viewer=request.user, slug=slug)
    opened = timezone.now() >= found.opens_at
    return render(
        request,
        "flashsales/record.html",
        {
            "sale": found,
            "opened": opened,
            "record": selectors.fairness_record(found) if opened else None,
            "mine": selectors.my_draw(sale=found, member=request.user),
        },
    )


@require_GET
def record_keys(request, slug):
    """The draw's keys in place order, for anyone to check the draw (empty before it)."""
    found = selectors.sale_get(viewer=request.user, slug=slug)
    return JsonResponse(
        {
            "seed_sha256": found.seed_sha256,
            "seed": found.seed if found.drawn_at else None,
            "rule": "place = rank of HMAC-SHA256(key=seed, message=str(member id)), hex, ascending",
            "keys": selectors.draw_keys(found),
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def console(request):
    if not permissions.can_run_sales(request.user):
        raise NotFound()
    form = SaleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        made, status = submit_form(
            form, lambda data: services.sale_create(actor=request.user, **form.service_fields())
        )
        if made is not None:
            messages.success(request, _("The sale is scheduled."))
            return redirect(made)
    listed = list(selectors.sales_listed(viewer=request.user)[:50])
    counts = selectors.unit_counts_of(listed)
    sales = [(s, counts[s.pk]) for s in listed]
    return render(
        request,
        "flashsales/console.html",
        {"form": form, "sales": sales, "close_form": CloseForm()},
        status=status,
    )


@login_required
@require_POST
def close(request, slug):
    if not permissions.can_run_sales(request.user):
        raise NotFound()
    found = selectors.sale_get(viewer=request.user, slug=slug)
    form = CloseForm(request.POST)
    done, _status = submit_form(
        form, lambda data: services.sale_close(actor=request.user, sale=found, **data)
    )
    if done is None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, _("The sale is closed."))
    return redirect("flashsales:console")
