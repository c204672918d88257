"""Thin: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fanrepublic.core.csvexport import csv_response
from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import submit_form, with_retry_after
from fanrepublic.core.qr import qr_svg

from . import permissions, selectors, services
from .forms import ChainForm, EntryForm, ReasonForm

PER_PAGE = 100
PAGE_MAX = 999_999


def _form_problem(form) -> str:
    """Every message on a refused form, on one line (for a flash message)."""
    return " ".join(str(text) for texts in form.errors.values() for text in texts)


def _back_to_line(request, found, number: int):
    """Back to the line on the page it was on. The posted page is a number or nothing:
    it is never copied into the address as it came (`1&next=…`)."""
    page = request.POST.get("page", "")
    page = int(page) if page.isascii() and page.isdecimal() and len(page) <= 6 else 1
    page = page if 1 <= page <= PAGE_MAX else 1
    return redirect(f"{found.get_absolute_url()}?page={page}#line-{number}")


def index(request):
    return render(
        request,
        "chains/index.html",
        {
            "chains": selectors.chains_listed(viewer=request.user)[:100],
            "can_start": permissions.can_start_anywhere(request.user),
        },
    )


@login_required
def start(request):
    if not permissions.can_start_anywhere(request.user):
        raise NotFound()
    form = ChainForm(request.POST or None, member=request.user)
    status = 200
    if request.method == "POST":
        chain, status = submit_form(form, lambda data: services.chain_start(actor=request.user, **data))
        if chain is not None:
            messages.success(request, _("Your chain is open: share its link or QR code."))
            return redirect(chain)
    return with_retry_after(render(request, "chains/start.html", {"form": form}, status=status), form)


def _chain_page(request, chain, *, form=None, status=200):
    mine = selectors.entry_of(member=request.user, chain=chain)
    if form is None and permissions.can_sign(request.user, chain):
        initial = (
            {"message": mine.message, "pledge": mine.pledge}
            if mine
            else {"pledge": 1 if chain.pledge_label else 0}
        )
        form = EntryForm(initial=initial, chain=chain)
    page = Paginator(selectors.entries_shown(viewer=request.user, chain=chain), PER_PAGE).get_page(
        request.GET.get("page")
    )
    share_url = request.build_absolute_uri(chain.get_absolute_url())
    return render(
        request,
        "chains/chain.html",
        {
            "chain": chain,
            "mine": mine,
            "form": form,
            "page": page,
            "newest": selectors.entries_newest(chain=chain),
            "share_url": share_url,
            "qr": qr_svg(share_url, 3),
            "is_open": permissions.is_open(chain),
            "can_run": permissions.can_run(request.user, chain),
            "can_moderate": permissions.can_moderate_chains(request.user),
        },
        status=status,
    )


def chain(request, slug):
    return _chain_page(request, selectors.chain_get(viewer=request.user, slug=slug))


@require_GET
def live(request, slug):
    """The live part of a chain page (count, pledges, newest lines), fetched every few
    seconds by htmx."""
    found = selectors.chain_get(viewer=request.user, slug=slug)
    return render(
        request,
        "chains/partials/live.html",
        {
            "chain": found,
            "newest": selectors.entries_newest(chain=found),
            "is_open": permissions.is_open(found),
        },
    )


@login_required
@require_POST
def sign(request, slug):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    form = EntryForm(request.POST, chain=found)
    result, status = submit_form(
        form,
        lambda data: services.entry_sign(
            actor=request.user, chain=found, message=data["message"], pledge=data.get("pledge") or 0
        ),
    )
    if result is None:
        return with_retry_after(_chain_page(request, found, form=form, status=status), form)
    entry, created = result
    if created:
        messages.success(request, _("You are number %(n)d in the chain.") % {"n": entry.number})
    else:
        messages.success(request, _("Your line is updated."))
    return redirect(found)


@login_required
@require_POST
def withdraw(request, slug):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    try:
        services.entry_withdraw(actor=request.user, chain=found)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your line is withdrawn."))
    return redirect(found)


@login_required
@require_POST
def close(request, slug):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    services.chain_close(actor=request.user, chain=found)
    messages.success(request, _("The chain is closed."))
    return redirect(found)


@login_required
@require_POST
def hide_chain(request, slug):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    if not permissions.can_moderate_chains(request.user):
        raise NotFound()
    form = ReasonForm(request.POST)
    result, _status = submit_form(
        form, lambda data: services.chain_hide(actor=request.user, chain=found, **data)
    )
    if result is None:
        messages.error(request, _form_problem(form))
    else:
        messages.success(request, _("The chain is hidden."))
    return redirect(found)


@login_required
@require_POST
def hide_entry(request, slug, number):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    if not permissions.can_moderate_chains(request.user):
        raise NotFound()
    entry = selectors.entry_by_number(chain=found, number=number)
    form = ReasonForm(request.POST)
    result, _status = submit_form(
        form, lambda data: services.entry_hide(actor=request.user, entry=entry, **data)
    )
    if result is None:
        messages.error(request, _form_problem(form))
    else:
        messages.success(request, _("Line %(n)d is hidden.") % {"n": entry.number})
    return _back_to_line(request, found, entry.number)


@login_required
@require_POST
def restore_entry(request, slug, number):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    if not permissions.can_moderate_chains(request.user):
        raise NotFound()
    entry = services.entry_restore(
        actor=request.user, entry=selectors.entry_by_number(chain=found, number=number)
    )
    messages.success(request, _("Line %(n)d is shown again.") % {"n": entry.number})
    return _back_to_line(request, found, entry.number)


@login_required
def export(request, slug):
    found = selectors.chain_get(viewer=request.user, slug=slug)
    if not permissions.can_run(request.user, found):
        raise NotFound()
    header = [
        _("Number"),
        _("Name"),
        _("Line"),
        _("Units pledged"),
        _("Joined at"),
        _("Edited at"),
        _("Hidden"),
    ]
    return csv_response(
        filename=f"chain-{found.slug}.csv",
        header=header,
        rows=selectors.export_rows(viewer=request.user, chain=found),
    )


def share_qr(request, slug):
    """A printable QR code of the chain's link."""
    found = selectors.chain_get(viewer=request.user, slug=slug)
    url = request.build_absolute_uri(found.get_absolute_url())
    return render(request, "chains/qr.html", {"chain": found, "qr": qr_svg(url, 8), "share_url": url})
