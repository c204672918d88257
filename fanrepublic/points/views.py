import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fanrepublic.core.csvexport import csv_response
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.core.forms import apply_errors
from fanrepublic.members.selectors import member_get_public

from . import permissions, selectors, services
from .errors import InsufficientBalance
from .forms import AdjustmentForm, RuleForm
from .models import EarningRule
from .rules import rule_save

HISTORY_PAGE = 30


def _wallet_context(request, member):
    history = Paginator(selectors.wallet_history(member=member), HISTORY_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "member": member,
        "summary": selectors.wallet_summary(member=member),
        "page": history,
        "details": selectors.history_details(history.object_list),
    }


@login_required
def wallet(request):
    return render(request, "points/wallet.html", _wallet_context(request, request.user))


@login_required
def wallet_csv(request):
    """The member's whole history as CSV, streamed (long histories stay cheap). Amounts
    are numbers, so a deduction stays a usable -200; memos are neutralised text."""
    header = [_("Date"), _("Points"), _("Kind"), _("Reason"), _("Transaction")]
    rows = (
        [
            posting.transaction.created_at.isoformat(),
            posting.amount_minor,
            posting.transaction.kind,
            posting.transaction.memo,
            posting.transaction.pk,
        ]
        for posting in selectors.wallet_history(member=request.user).iterator(chunk_size=1000)
    )
    return csv_response(filename="fan-republic-points.csv", header=header, rows=rows)


@login_required
def member_wallet(request, username):
    """Operators look at a member's wallet and grant or deduct points with a reason."""
    permissions.access_staff_pages(request.user)
    member = member_get_public(username=username)
    form = AdjustmentForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.points_adjust(
                    actor=request.user,
                    member=member,
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    key=f"manual:{form.cleaned_data['key']}",
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
                status = 422
            except InsufficientBalance as exc:
                form.add_error("points", exc.message)
                status = 409
            else:
                messages.success(request, _("Points adjusted; the change is in the audit log."))
                return redirect("points:member_wallet", username=member.username)
        else:
            status = 422
    context = _wallet_context(request, member)
    context["form"] = form
    return render(request, "points/member_wallet.html", context, status=status)


@login_required
def rules(request):
    """Operators see every earning rule, switch rules off and on, and add new ones."""
    permissions.access_staff_pages(request.user)
    form = RuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if "toggle" in request.POST:
            rule = EarningRule.objects.filter(pk=request.POST.get("toggle")).first()
            if rule is None:
                raise NotFound()
            rule_save(actor=request.user, rule=rule, data={"is_active": not rule.is_active})
            messages.success(request, _("Rule updated."))
            return redirect("points:rules")
        if form.is_valid():
            try:
                rule_save(actor=request.user, rule=None, data=form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("Rule saved; it applies to new events within a minute."))
                return redirect("points:rules")
        else:
            status = 422
    return render(
        request,
        "points/rules.html",
        {
            "rules": EarningRule.objects.prefetch_related("trusted_integrations").order_by("verb", "-points"),
            "form": form,
        },
        status=status,
    )
