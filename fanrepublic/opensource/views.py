"""Thin: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.clientip import client_ip, client_network
from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import submit_form, with_retry_after

from . import permissions, selectors, services
from .forms import AcceptForm, AgreementForm, DecideForm, LinkForm, RepositoryForm, RevokeForm, SubmitForm


@csrf_exempt  # the hosts sign their deliveries instead; a forged one fails the signature
@require_POST
def hook(request, pk):
    """A git host's webhook delivery for repository `pk`."""
    try:
        body = request.body
    except RawPostDataException:
        body = b""
    status, word = services.delivery_receive(
        repository_id=pk,
        headers=request.headers,
        body=body,
        remote_addr=client_ip(request),
        network=client_network(request),
    )
    return JsonResponse({"status": word}, status=status)


hook.reads_raw_text = True  # fanrepublic.core.middleware.RefuseNulMiddleware lets it through


def _index_page(request, *, repository_form=None, status=200):
    """The programme's page; staff see the form to open a repository (with its errors
    when a posted one was refused)."""
    staff = permissions.is_programme_staff(request.user)
    return render(
        request,
        "opensource/index.html",
        {
            "repositories": selectors.repositories_open(),
            "academicians": selectors.academicians(),
            "recent": selectors.contributions_counted()[:12],
            "staff": staff,
            "repository_form": (repository_form or RepositoryForm()) if staff else None,
        },
        status=status,
    )


@require_GET
def index(request):
    return _index_page(request)


@require_GET
def repository(request, pk):
    found = selectors.repository_get(viewer=request.user, pk=pk)
    staff = permissions.is_programme_staff(request.user)
    return render(
        request,
        "opensource/repository.html",
        {
            "repository": found,
            "contributions": selectors.contributions_counted(repository=found)[:50],
            "staff": staff,
            "hook_url": request.build_absolute_uri(reverse("opensource:hook", args=[found.pk]))
            if staff
            else "",
            "deliveries": selectors.deliveries(viewer=request.user, repository=found) if staff else [],
            "submit_form": SubmitForm() if request.user.is_authenticated else None,
        },
    )


def _mine_page(request, status=200, **forms):
    context = {
        **selectors.mine(member=request.user),
        "show_reasons": True,
        "link_form": forms.get("link_form") or LinkForm(),
        "new_code": forms.get("new_code"),
        "accept_form": forms.get("accept_form"),
    }
    return render(request, "opensource/mine.html", context, status=status)


@login_required
@require_GET
def mine(request):
    return _mine_page(request)


@login_required
@require_POST
def link(request):
    form = LinkForm(request.POST)
    code, status = submit_form(
        form, lambda data: services.account_link_start(member=request.user, host=data["host"])
    )
    if code is None:
        return with_retry_after(_mine_page(request, status=status, link_form=form), form)
    return _mine_page(request, new_code=code)


@login_required
@require_POST
def unlink(request, pk):
    account = request.user.git_accounts.filter(pk=pk).first()
    if account is None:
        raise NotFound()
    services.account_unlink(member=request.user, account=account)
    messages.success(request, _("The account is unlinked."))
    return redirect("opensource:mine")


@login_required
@require_POST
def accept(request):
    form = AcceptForm(request.POST)
    done, status = submit_form(
        form,
        lambda data: services.agreement_accept(
            member=request.user, version=data["version"], digest=data["digest"]
        ),
    )
    if done is None:
        return _mine_page(request, status=status, accept_form=form)
    messages.success(request, _("Thank you: your contributions count from now on."))
    return redirect("opensource:mine")


@login_required
@require_POST
def submit(request, pk):
    found = selectors.repository_get(viewer=request.user, pk=pk)
    form = SubmitForm(request.POST)
    done, status = submit_form(
        form,
        lambda data: services.contribution_submit(member=request.user, repository=found, **data),
    )
    if done is None:
        page = render(
            request,
            "opensource/repository.html",
            {
                "repository": found,
                "contributions": selectors.contributions_counted(repository=found)[:50],
                "submit_form": form,
            },
            status=status,
        )
        return with_retry_after(page, form)
    messages.success(request, _("Sent to the maintainers for approval."))
    return redirect("opensource:mine")


@login_required
@require_GET
def queue(request):
    if not permissions.maintains_any(request.user):
        raise NotFound()
    return render(
        request,
        "opensource/queue.html",
        {
            "pending": selectors.queue(viewer=request.user),
            "decide_form": DecideForm(),
            "titles": selectors.academicians().filter(revoked_at__isnull=True)
            if permissions.is_programme_staff(request.user)
            else [],
            "revoke_form": RevokeForm(),
        },
    )


def _back_to_queue(request, action, done: str):
    try:
        action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("opensource:queue")


@login_required
@require_POST
def decide(request, pk):
    contribution = selectors.contribution_for_maintainer(viewer=request.user, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline."))
        return redirect("opensource:queue")
    return _back_to_queue(
        request,
        lambda: services.contribution_decide(
            actor=request.user,
            contribution=contribution,
            approve=form.cleaned_data["approve"],
            reason=form.cleaned_data["reason"],
        ),
        _("Decided."),
    )


@login_required
@require_POST
def revoke(request, pk):
    title = selectors.title_for_maintainer(viewer=request.user, pk=pk)
    form = RevokeForm(request.POST)
    reason = form.data.get("reason", "")
    return _back_to_queue(
        request,
        lambda: services.title_revoke(actor=request.user, title=title, reason=reason),
        _("The title is revoked; the member was told why."),
    )


@login_required
@require_POST
def repository_open(request):
    if not permissions.is_programme_staff(request.user):
        raise NotFound()
    form = RepositoryForm(request.POST)
    found, status = submit_form(form, lambda data: services.repository_open(actor=request.user, **data))
    if found is None:
        return _index_page(request, repository_form=form, status=status)
    messages.success(request, _("Opened. Paste the webhook address and secret into the host's settings."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def rotate(request, pk):
    found = selectors.repository_get(viewer=request.user, pk=pk)
    if not permissions.is_programme_staff(request.user):
        raise NotFound()
    services.repository_secret_rotate(actor=request.user, repository=found)
    messages.success(request, _("A new secret: paste it into the host's webhook settings now."))
    return redirect(found.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request):
    if not permissions.is_programme_staff(request.user):
        raise NotFound()
    form = AgreementForm(request.POST or None)
    if request.method == "POST":
        done, status = submit_form(
            form,
            lambda data: services.agreement_publish(
                actor=request.user, body=data["body"], body_zh=data["body_zh"]
            ),
        )
        if done is not None:
            messages.success(request, _("Version %(n)d is published.") % {"n": done.version})
            return redirect("opensource:agreement")
    else:
        status = 200
    return render(
        request,
        "opensource/agreement.html",
        {"form": form, "current": selectors.current_agreement()},
        status=status,
    )
