"""Thin: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.clientip import client_ip, client_network
from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import submit_form
from fanrepublic.core.qr import qr_svg

from . import permissions, selectors, services
from .enums import PaymentStatus
from .forms import RefundForm
from .providers import registry


@csrf_exempt  # providers sign their notifications instead; a forged one fails the signature
@require_POST
def notify(request, provider):
    """A provider's asynchronous notification. Refused ones (forged, replayed, malformed)
    change nothing and are logged; the answer is what the provider expects."""
    try:
        body = request.body
    except RawPostDataException:
        body = b""  # a multipart form, already read: no provider sends one, so it is refused
    return services.notice_receive(
        provider_code=provider,
        headers=request.headers,
        body=body,
        remote_addr=client_ip(request),
        network=client_network(request),
    )


def _payment_context(request, payment):
    return {
        "payment": payment,
        "demo": not registry.real_money(payment.provider),
        "qr": qr_svg(payment.checkout_url, 6)
        if payment.status == PaymentStatus.PENDING and payment.provider == "wechat" and payment.checkout_url
        else "",
        "refunds": payment.refunds.all(),
    }


@login_required
@require_GET
def payment(request, reference):
    found = selectors.payment_for(viewer=request.user, reference=reference)
    return render(request, "payments/payment.html", _payment_context(request, found))


@login_required
@require_GET
def status(request, reference):
    """The payment's state, polled by its page while it waits to be paid."""
    found = selectors.payment_for(viewer=request.user, reference=reference)
    response = render(request, "payments/partials/status.html", _payment_context(request, found))
    if found.status != PaymentStatus.PENDING:
        response["HX-Refresh"] = "true"  # paid or closed: show the whole page as it now is
    return response


@login_required
@require_GET
def mine(request):
    page = Paginator(selectors.payments_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "payments/mine.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def offline_pay(request, reference):
    """The demo provider's own page: clearly not a real payment."""
    found = selectors.payment_for(viewer=request.user, reference=reference)
    if found.provider != "offline" or found.member_id != request.user.pk:
        raise NotFound()
    if request.method == "POST":
        try:
            services.offline_pay(actor=request.user, reference=reference)
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.text)
        else:
            messages.success(request, _("Demo payment completed. No money moved."))
        return redirect(found)
    return render(request, "payments/offline_pay.html", {"payment": found})


# Staff ------------------------------------------------------------------------------


@login_required
@require_GET
def console(request):
    permissions.access_console(request.user)
    rows = selectors.console_payments(
        status=request.GET.get("status", ""), query=request.GET.get("q", "").strip()
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/console.html",
        {
            "page": page,
            "totals": selectors.console_totals(),
            "refused": selectors.notices_refused(),
            "checks": selectors.bill_checks(),
            "failed_refunds": selectors.failed_refunds(),
            "statuses": PaymentStatus.choices,
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", ""),
        },
    )


def _console_payment(request, payment, *, form=None, status=200):
    return render(
        request,
        "payments/console_payment.html",
        {
            **_payment_context(request, payment),
            "form": form or RefundForm(),
            "notices": payment.notices.order_by("-received_at")[:50],
        },
        status=status,
    )


@login_required
@require_GET
def console_payment(request, reference):
    permissions.access_console(request.user)
    return _console_payment(request, selectors.payment_for(viewer=request.user, reference=reference))


@login_required
@require_POST
def console_refund(request, reference):
    permissions.access_console(request.user)
    found = selectors.payment_for(viewer=request.user, reference=reference)
    form = RefundForm(request.POST)
    refund, code = submit_form(
        form,
        lambda data: services.refund_by_staff(actor=request.user, payment=found, **form.service_kwargs()),
    )
    if refund is None:
        return _console_payment(request, found, form=form, status=code)
    messages.success(
        request,
        _("Refund %(number)s recorded: %(state)s.")
        % {
            "number": refund.reference,
            "state": refund.get_status_display(),
        },
    )
    return redirect("payments:console_payment", reference=reference)


@login_required
@require_POST
def console_check(request, reference):
    permissions.access_console(request.user)
    found = selectors.payment_for(viewer=request.user, reference=reference)
    try:
        checked = services.payment_check_by_staff(actor=request.user, payment=found)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(
            request, _("Asked the provider: %(state)s.") % {"state": checked.get_status_display()}
        )
    return redirect("payments:console_payment", reference=reference)


@login_required
@require_POST
def console_refund_again(request, reference):
    permissions.access_console(request.user)
    refund = selectors.refund_for_staff(reference=reference)
    try:
        again = services.refund_send_again(actor=request.user, refund=refund)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(
            request,
            _("Refund %(number)s sent again as %(again)s: %(state)s.")
            % {"number": refund.reference, "again": again.reference, "state": again.get_status_display()},
        )
    return redirect(reverse("payments:console") + "#failed-refunds")
