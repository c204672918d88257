"""Thin: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import submit_form, with_retry_after
from fanrepublic.core.markdown import render_markdown
from fanrepublic.payments.providers import registry

from . import permissions, selectors, services
from .enums import CampaignStatus
from .forms import BackForm, CampaignForm, CancelForm, UpdateForm


def index(request):
    return render(
        request,
        "campaigns/index.html",
        {
            "campaigns": selectors.campaigns_listed(viewer=request.user)[:100],
            "can_run": permissions.can_run_campaigns(request.user),
        },
    )


def _campaign_page(request, campaign, *, form=None, status=200):
    mine = selectors.live_backing(member=request.user, campaign=campaign)
    accepting = services.accepting(campaign)
    problems = permissions.eligibility_problems(request.user, campaign) if accepting else []
    if form is None and accepting and not mine and not problems:
        form = BackForm(campaign=campaign, initial={"units": 1})
    return render(
        request,
        "campaigns/campaign.html",
        {
            "campaign": campaign,
            "description": render_markdown(campaign.localized("description")),
            "image": campaign.localized("image"),
            "updates": [
                (update, render_markdown(update.localized("body"))) for update in campaign.updates.all()[:20]
            ],
            "mine": mine,
            "accepting": accepting,
            "problems": problems,
            "form": form,
            "demo_money": "offline" in registry.enabled_codes(),
            "can_run": permissions.can_run_campaigns(request.user),
            "now": timezone.now(),
        },
        status=status,
    )


@require_GET
def campaign(request, slug):
    return _campaign_page(request, selectors.campaign_get(viewer=request.user, slug=slug))


@require_GET
def live(request, slug):
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    return render(request, "campaigns/partials/progress.html", {"campaign": found, "now": timezone.now()})


@login_required
@require_POST
def back(request, slug):
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    form = BackForm(request.POST, campaign=found)
    backing, status = submit_form(
        form,
        lambda data: services.backing_start(
            actor=request.user, campaign=found, units=data["units"], provider_code=data["provider"]
        ),
    )
    if backing is None:
        return with_retry_after(_campaign_page(request, found, form=form, status=status), form)
    return redirect(backing.payment)


@login_required
@require_POST
def cancel(request, slug):
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    try:
        services.backing_cancel(actor=request.user, campaign=found)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your backing is cancelled; a deposit you paid is refunded in full."))
    return redirect(found)


@login_required
@require_GET
def mine(request):
    page = Paginator(selectors.backings_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "campaigns/mine.html", {"page": page})


# Staff ------------------------------------------------------------------------------


def _runner(request):
    if not permissions.can_run_campaigns(request.user):
        raise NotFound()


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    _runner(request)
    form = CampaignForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        made, status = submit_form(
            form, lambda data: services.campaign_create(actor=request.user, **form.service_fields())
        )
        if made is not None:
            messages.success(request, _("Draft saved. Open it when it is ready."))
            return redirect("campaigns:console_campaign", slug=made.slug)
    return render(request, "campaigns/edit.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    _runner(request)
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    form = CampaignForm(request.POST or None, request.FILES or None, instance=found)
    status = 200
    if request.method == "POST":
        done, status = submit_form(
            form,
            lambda data: services.campaign_edit(actor=request.user, campaign=found, **form.service_fields()),
        )
        if done is not None:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:console_campaign", slug=found.slug)
    return render(request, "campaigns/edit.html", {"form": form, "campaign": found}, status=status)


@login_required
@require_GET
def console(request):
    _runner(request)
    return render(
        request, "campaigns/console.html", {"campaigns": selectors.campaigns_listed(viewer=request.user)}
    )


def _console_page(request, found, *, update_form=None, cancel_form=None, status=200):
    page = Paginator(selectors.console_backings(found), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/console_campaign.html",
        {
            "campaign": found,
            "page": page,
            "update_form": update_form or UpdateForm(),
            "cancel_form": cancel_form or CancelForm(),
            "settle_due": services.settle_due_at(found),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_GET
def console_campaign(request, slug):
    _runner(request)
    return _console_page(request, selectors.campaign_get(viewer=request.user, slug=slug))


@login_required
@require_POST
def open_campaign(request, slug):
    _runner(request)
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    try:
        services.campaign_open(actor=request.user, campaign=found)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The campaign is open."))
    return redirect("campaigns:console_campaign", slug=slug)


@login_required
@require_POST
def post_update(request, slug):
    _runner(request)
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    form = UpdateForm(request.POST)
    done, status = submit_form(
        form, lambda data: services.update_post(actor=request.user, campaign=found, **data)
    )
    if done is None:
        return _console_page(request, found, update_form=form, status=status)
    messages.success(request, _("Update posted; every backer is notified."))
    return redirect("campaigns:console_campaign", slug=slug)


@login_required
@require_POST
def settle(request, slug):
    _runner(request)
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    settled = services.campaign_settle(campaign=found)
    if settled.status == CampaignStatus.OPEN:
        messages.error(
            request,
            _("Not yet: a campaign is settled after its deadline and the last deposits' time to pay."),
        )
    else:
        messages.success(request, _("Settled: %(outcome)s.") % {"outcome": settled.get_status_display()})
    return redirect("campaigns:console_campaign", slug=slug)


@login_required
@require_POST
def cancel_campaign(request, slug):
    _runner(request)
    found = selectors.campaign_get(viewer=request.user, slug=slug)
    form = CancelForm(request.POST)
    done, status = submit_form(
        form, lambda data: services.campaign_cancel(actor=request.user, campaign=found, reason=data["reason"])
    )
    if done is None:
        return _console_page(request, found, cancel_form=form, status=status)
    messages.success(request, _("The campaign is cancelled; every deposit is being refunded."))
    return redirect("campaigns:console_campaign", slug=slug)
