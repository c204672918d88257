import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.csvexport import csv_response
from fanrepublic.core.errors import DomainError, ValidationFailed
from fanrepublic.core.forms import apply_errors, submit_form
from fanrepublic.points.selectors import wallet_summary

from . import bulk, permissions, selectors, services
from .enums import RewardKind
from .forms import FulfilForm, FulfilmentUploadForm, RedeemForm, RefuseForm, RewardForm
from .models import Reward


def catalogue(request):
    return render(request, "rewards/catalogue.html", {"rewards": selectors.rewards_on_sale()})


def detail(request, slug):
    reward = selectors.reward_get(slug=slug)
    form = RedeemForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    if reward.kind == RewardKind.VOUCHER:
        for name in ("shipping_name", "shipping_phone", "shipping_address"):
            del form.fields[name]
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={reward.get_absolute_url()}")
        if form.is_valid():
            data = {"shipping_name": "", "shipping_phone": "", "shipping_address": "", **form.cleaned_data}
            try:
                order = services.reward_redeem(
                    member=request.user,
                    reward=reward,
                    quantity=data["quantity"],
                    key=f"web:{data['key']}",
                    shipping={
                        "name": data["shipping_name"],
                        "phone": data["shipping_phone"],
                        "address": data["shipping_address"],
                    },
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
                status = 422
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Redeemed! Your order number is %(n)d.") % {"n": order.pk})
                return redirect("rewards:orders")
        else:
            status = 422
    signed_in = request.user.is_authenticated
    context = {
        "reward": reward,
        "form": form,
        "balance": wallet_summary(member=request.user).balance if signed_in else None,
        "problems": services.reward_eligibility(member=request.user, reward=reward) if signed_in else [],
        "required_badges": reward.required_badges.all(),
    }
    return render(request, "rewards/detail.html", context, status=status)


@login_required
def orders(request):
    return render(request, "rewards/orders.html", {"orders": selectors.orders_of(member=request.user)[:100]})


@login_required
@require_POST
def cancel(request, pk):
    order = selectors.order_get_for(member=request.user, pk=pk)
    try:
        services.order_cancel(member=request.user, order=order)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order cancelled; your points are back."))
    return redirect("rewards:orders")


@login_required
def desk(request):
    permissions.access_fulfilment(request.user)
    return render(
        request,
        "rewards/desk.html",
        {
            "orders": selectors.open_orders()[:200],
            "fulfil_form": FulfilForm(),
            "refuse_form": RefuseForm(),
            "upload_form": FulfilmentUploadForm(),
        },
    )


@login_required
def desk_csv(request):
    """Open orders for the warehouse, as CSV (through core's writer: no cell a member
    typed can run as a spreadsheet formula)."""
    permissions.access_fulfilment(request.user)
    rows = (
        [
            o.pk,
            o.created_at.isoformat(),
            o.reward.slug,
            o.quantity,
            o.member.username,
            o.shipping_name,
            o.shipping_phone,
            o.shipping_address,
            "",  # voucher_code and tracking: filled in by the warehouse, then uploaded
            "",
        ]
        for o in selectors.open_orders().iterator(chunk_size=1000)
    )
    return csv_response(filename="open-orders.csv", header=[*bulk.COLUMNS, *bulk.FILLED_IN], rows=rows)


@login_required
@require_POST
def desk_upload(request):
    """The CSV back from the warehouse: fulfil every filled-in order, or none."""
    permissions.access_fulfilment(request.user)
    form = FulfilmentUploadForm(request.POST, request.FILES)
    result, status = None, 200
    if form.is_valid():
        try:
            rows = bulk.parse_fulfilment_csv(form.cleaned_data["file"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
            status = 422
        else:
            result = bulk.orders_fulfil_bulk(actor=request.user, rows=rows)
            status = 422 if result.errors else 200
    else:
        status = 422
    return render(request, "rewards/desk_upload.html", {"form": form, "result": result}, status=status)


@login_required
@require_POST
def fulfil(request, pk):
    permissions.access_fulfilment(request.user)
    order = selectors.order_get(pk=pk)
    form = FulfilForm(request.POST)
    if form.is_valid():
        try:
            services.order_fulfil(actor=request.user, order=order, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Order %(n)d fulfilled.") % {"n": order.pk})
    return redirect("rewards:desk")


@login_required
@require_POST
def refuse(request, pk):
    permissions.access_fulfilment(request.user)
    order = selectors.order_get(pk=pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.order_refuse(actor=request.user, order=order, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Order %(n)d refused; the points went back.") % {"n": order.pk})
    else:
        messages.error(request, _("Tell the member why."))
    return redirect("rewards:desk")


@login_required
def staff_catalogue(request):
    """Store managers: every reward, on sale or not, with stock and open orders."""
    permissions.access_catalogue(request.user)
    return render(request, "rewards/staff_catalogue.html", {"rewards": selectors.catalogue_for_staff()})


@login_required
def reward_edit(request, slug=None):
    permissions.access_catalogue(request.user)
    reward = selectors.reward_get(slug=slug, include_inactive=True) if slug else Reward()
    form = RewardForm(request.POST or None, request.FILES or None, instance=reward)
    status = 200
    if request.method == "POST":
        saved, status = submit_form(
            form,
            lambda data: services.reward_save(
                actor=request.user,
                reward=form.instance,
                required_badges=data["required_badges"],
                restock=data.get("restock") or 0,
            ),
        )
        if saved:
            messages.success(request, _("Saved “%(name)s”.") % {"name": saved.display_name})
            return redirect("rewards:staff_catalogue")
    return render(request, "rewards/reward_form.html", {"form": form, "reward": reward}, status=status)
