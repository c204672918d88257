"""Thin: parse input, call one service or selector, render."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
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
from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed
from fanrepublic.core.forms import apply_errors, submit_form, with_retry_after
from fanrepublic.core.qr import qr_svg

from . import payouts as payout_services
from . import permissions, selectors, services
from .enums import PaymentStatus, PayoutState, ProviderCode
from .forms import (
    AlipayPayeeForm,
    PayoutPolicyForm,
    PayoutRequestForm,
    PayoutReturnForm,
    RefundForm,
    WeChatPayeeForm,
)
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


# Payouts ----------------------------------------------------------------------------

WECHAT_OAUTH_SESSION = "payments:wechat-oauth"


def _payout_choices(member):
    """The providers a payout may go to now: offered, with an account linked."""
    linked = {payee.provider for payee in selectors.payees_of(member)}
    return [(code, ProviderCode(code).label) for code in registry.payout_codes() if code in linked]


def _payouts_page(request, *, request_form=None, alipay_form=None, wechat_form=None, status=200):
    member = request.user
    offered = registry.payout_codes()
    payees = {payee.provider: payee for payee in selectors.payees_of(member)}
    page = Paginator(selectors.payouts_of(member), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/payouts.html",
        {
            "balance": selectors.wallet_balance_fen(member),
            "in_transit": selectors.in_transit_fen(member),
            "offered": [(code, ProviderCode(code).label, payees.get(code)) for code in offered],
            "choices": _payout_choices(member),
            "request_form": request_form or PayoutRequestForm(choices=_payout_choices(member)),
            "alipay_form": alipay_form or AlipayPayeeForm(),
            "wechat_form": wechat_form or WeChatPayeeForm(),
            "minimum": selectors.payout_policy().minimum_fen,
            "maximum": settings.PAYOUT_MAXIMUM_FEN,
            "daily_maximum": settings.PAYOUT_DAILY_MAXIMUM_FEN,
            "hold_hours": settings.PAYOUT_NEW_PAYEE_HOLD_HOURS,
            "demo": any(not registry.real_money(code) for code in offered),
            "page": page,
        },
        status=status,
    )


@login_required
@require_GET
def payouts(request):
    return _payouts_page(request)


@login_required
@require_POST
def payout_request(request):
    form = PayoutRequestForm(request.POST, choices=_payout_choices(request.user))
    payout, code = submit_form(
        form, lambda data: payout_services.payout_request(member=request.user, **form.service_kwargs())
    )
    if payout is None:
        return with_retry_after(_payouts_page(request, request_form=form, status=code), form)
    if not getattr(payout, "replayed", False):
        messages.success(request, _("Payout %(number)s requested.") % {"number": payout.reference})
    return redirect(payout)


@login_required
@reauthentication_required  # where payouts go: asked for again, not trusted to an old session
@require_POST
def payee_alipay(request):
    form = AlipayPayeeForm(request.POST)
    payee, code = submit_form(
        form,
        lambda data: payout_services.payee_alipay_link(
            member=request.user, login=data["login"], real_name=data["real_name"]
        ),
    )
    if payee is None:
        return with_retry_after(_payouts_page(request, alipay_form=form, status=code), form)
    messages.success(request, _("Your Alipay account is linked. Payouts to it start in a day."))
    return redirect("payments:payouts")


@login_required
@reauthentication_required  # where payouts go: asked for again, not trusted to an old session
@require_POST
def payee_demo(request):
    try:
        payout_services.payee_demo_link(member=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The demo account is linked."))
    return redirect("payments:payouts")


@login_required
@reauthentication_required  # where payouts go: asked for again, not trusted to an old session
@require_POST
def payee_wechat(request):
    """Off to WeChat's sign-in; the state it carries back is kept in the session."""
    form = WeChatPayeeForm(request.POST)
    started, code = submit_form(
        form,
        lambda data: payout_services.payee_wechat_start(member=request.user, real_name=data["real_name"]),
    )
    if started is None:
        return with_retry_after(_payouts_page(request, wechat_form=form, status=code), form)
    url, state = started
    request.session[WECHAT_OAUTH_SESSION] = {"state": state, "real_name": form.cleaned_data["real_name"]}
    return redirect(url)


@login_required
@require_GET
def payee_wechat_return(request):
    """Back from WeChat's sign-in with a code and the state. The session's state is
    taken out first, so it serves once whatever happens next."""
    started = request.session.pop(WECHAT_OAUTH_SESSION, None) or {}
    try:
        payout_services.payee_wechat_finish(
            member=request.user,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            expected_state=started.get("state", ""),
            real_name=started.get("real_name", ""),
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.text)
        return redirect("payments:payouts")
    messages.success(request, _("Your WeChat account is linked. Payouts to it start in a day."))
    return redirect("payments:payouts")


@login_required
@require_POST
def payee_remove(request, pk):
    payee = payout_services.payee_remove(member=request.user, payee_id=pk)
    messages.success(
        request,
        _("Your %(provider)s payout account was removed.") % {"provider": payee.get_provider_display()},
    )
    return redirect("payments:payouts")


def _payout_context(payout) -> dict:
    return {
        "payout": payout,
        "demo": not registry.real_money(payout.provider),
        "wechat_mchid": settings.WECHATPAY_MCHID,
        "wechat_appid": settings.WECHATPAY_APPID,
    }


@login_required
@require_GET
def payout(request, reference):
    found = selectors.payout_for(viewer=request.user, reference=reference)
    if found.member_id != request.user.pk:
        raise NotFound()  # staff read it on the console
    return render(request, "payments/payout.html", _payout_context(found))


@login_required
@require_GET
def console_payouts(request):
    permissions.access_console(request.user)
    rows = selectors.console_payouts(
        state=request.GET.get("state", ""), query=request.GET.get("q", "").strip()
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/console_payouts.html",
        {
            "page": page,
            "totals": selectors.console_payout_totals(),
            "attention": selectors.payouts_needing_attention(),
            "policy": selectors.payout_policy(),
            "states": PayoutState.choices,
            "state": request.GET.get("state", ""),
            "q": request.GET.get("q", ""),
        },
    )


def _console_payout(request, payout, *, form=None, status=200):
    return render(
        request,
        "payments/console_payout.html",
        {
            **_payout_context(payout),
            "form": form or PayoutReturnForm(),
            "max_sends": settings.PAYOUT_MAX_SENDS,
        },
        status=status,
    )


@login_required
@require_GET
def console_payout(request, reference):
    permissions.access_console(request.user)
    return _console_payout(request, selectors.payout_for(viewer=request.user, reference=reference))


@login_required
@require_POST
def console_payout_check(request, reference):
    permissions.access_console(request.user)
    found = selectors.payout_for(viewer=request.user, reference=reference)
    try:
        checked = payout_services.payout_check_by_staff(actor=request.user, payout=found)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(
            request, _("Asked the provider: %(state)s.") % {"state": checked.get_state_display()}
        )
    return redirect("payments:console_payout", reference=reference)


@login_required
@require_POST
def console_payout_return(request, reference):
    permissions.access_console(request.user)
    found = selectors.payout_for(viewer=request.user, reference=reference)
    form = PayoutReturnForm(request.POST)
    if not form.is_valid():
        return _console_payout(request, found, form=form, status=422)
    try:
        payout_services.payout_return_by_staff(
            actor=request.user, payout=found, reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return _console_payout(request, found, form=form, status=422)
    except DomainError as exc:  # the provider has it, or it is still being sent: said on the page
        messages.error(request, exc.text)
    else:
        messages.success(
            request, _("Payout %(number)s returned to the member's wallet.") % {"number": found.reference}
        )
    return redirect("payments:console_payout", reference=reference)


@login_required
@require_http_methods(["GET", "POST"])
def console_payout_policy(request):
    permissions.access_console(request.user)
    policy = selectors.payout_policy()
    form = PayoutPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"minimum": f"{policy.minimum_fen / 100:.2f}", "tax_rate": policy.tax_rate},
    )
    status = 200
    if request.method == "POST":
        saved, status = submit_form(
            form, lambda data: payout_services.payout_policy_set(actor=request.user, **form.service_kwargs())
        )
        if saved is not None:
            messages.success(
                request, _("Payout policy version %(version)d is in force.") % {"version": saved.version}
            )
            return redirect("payments:console_payout_policy")
    return render(
        request,
        "payments/console_payout_policy.html",
        {"form": form, "policy": policy, "history": selectors.payout_policies()},
        status=status,
    )
