"""Thin: parse input, authorise, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from fanrepublic.core.errors import DomainError, ValidationFailed
from fanrepublic.core.forms import apply_errors, submit_form
from fanrepublic.core.qr import qr_svg

from . import checkin_codes, permissions, purchases, selectors, services
from .forms import CustomerForm, LinkForm, PurchaseUploadForm, SerialForm, StoreForm, UnlinkForm
from .sections import render_contact_sections

# --- everyone ---------------------------------------------------------------------------


def index(request):
    return render(request, "stores/index.html", {"stores": selectors.stores_open()})


def store(request, slug):
    return render(request, "stores/store.html", {"store": selectors.store_get_public(slug=slug)})


@login_required
def check_in(request, slug, code):
    """Where the store's QR code leads: one tap to say "I'm here". A code that no longer
    checks anyone in says so at once, before the tap."""
    found = selectors.store_get_public(slug=slug)
    try:
        if request.method != "POST":
            services.checkin_code_verify(store=found, code=code)
            return render(request, "stores/check_in.html", {"store": found})
        _visit, created = services.visit_check_in(member=request.user, store_slug=slug, code=code)
    except DomainError as exc:
        messages.error(request, exc.text)
        return render(request, "stores/check_in.html", {"store": found, "refused": True}, status=exc.status)
    if created:
        messages.success(
            request, _("Welcome to %(store)s! Your visit is recorded.") % {"store": found.display_name}
        )
    else:
        messages.info(request, _("You already checked in here today."))
    return redirect("stores:mine")


# --- the member's own page ----------------------------------------------------------------


def _mine(request, *, status=200, code=None, serial_form=None):
    return render(
        request,
        "stores/mine.html",
        {
            "holdings": selectors.member_holdings(member=request.user),
            "code": code,
            "serial_form": serial_form or SerialForm(),
        },
        status=status,
    )


@login_required
def mine(request):
    return _mine(request)


@login_required
@require_POST
def mine_link_code(request):
    try:
        code, link = services.link_code_create(member=request.user)
    except DomainError as exc:
        messages.error(request, exc.text)
        return _mine(request, status=exc.status)
    return _mine(request, code={"code": code, "expires_at": link.expires_at})


@login_required
@require_POST
def mine_serial(request):
    form = SerialForm(request.POST)
    _result, status = submit_form(
        form, lambda data: services.serial_register(member=request.user, serial_number=data["serial_number"])
    )
    if status == 200:
        messages.success(request, _("Registered. You are now a verified owner."))
        return redirect("stores:mine")
    return _mine(request, status=status, serial_form=form)


@login_required
@require_POST
def mine_unlink(request, pk):
    contact = selectors.contact_for_unlink(viewer=request.user, pk=pk, own_only=True)
    services.contact_unlink(actor=request.user, contact=contact, reason="")
    messages.success(request, _("Unlinked. The store's record of you is no longer joined to your account."))
    return redirect("stores:mine")


# --- the store desk (staff) -----------------------------------------------------------------


@login_required
def desk(request):
    permissions.access_desk(request.user)
    return render(
        request,
        "stores/desk.html",
        {
            "stores": selectors.stores_for_desk(viewer=request.user),
            "summary": selectors.purchase_summary(viewer=request.user),
            "can_run_network": permissions.can_run_network(request.user),
        },
    )


def _checkin_url(request, found, code: str) -> str:
    return request.build_absolute_uri(reverse("stores:check_in", args=[found.slug, code]))


def _screen_qr_context(request, found) -> dict:
    """The counter screen's QR code: this minute's code, fetched again by htmx every
    third of a window, so the code shown is always one the check-in accepts."""
    seconds = checkin_codes.screen_seconds()
    url = _checkin_url(request, found, checkin_codes.screen_code(found))
    return {
        "store": found,
        "qr": qr_svg(url, 4),
        "checkin_url": url,
        "screen_seconds": seconds,
        "refresh_seconds": max(1, min(20, seconds // 3)),
    }


def _desk_store(request, found, *, status=200, customer_form=None):
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "stores/desk_store.html",
        {
            "store": found,
            "today": selectors.store_today(store=found),
            "customers": selectors.contacts_visible(viewer=request.user, store=found, query=query)[:100],
            "query": query,
            "visits": selectors.store_visits(store=found, limit=20),
            "customer_form": customer_form or CustomerForm(),
            "manages": permissions.manages(request.user, found),
            "can_edit": permissions.can_run_network(request.user),
            "staff": found.staff.order_by("username"),
            "screen": _screen_qr_context(request, found),
        },
        status=status,
    )


@login_required
def desk_store(request, slug):
    return _desk_store(request, selectors.store_get_for_desk(viewer=request.user, slug=slug))


@never_cache
@require_GET
def desk_store_qr_screen(request, slug):
    """The desk's QR code alone, polled by htmx: the counter screen's code of now."""
    if not request.user.is_authenticated:
        if request.htmx:
            # A counter tablet whose session ran out: the whole page goes to sign in
            # (and back), rather than the sign-in form into the QR code's box.
            return HttpResponseClientRedirect(reverse("stores:desk_store", args=[slug]))
        return redirect_to_login(request.get_full_path())
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug)
    return render(request, "stores/partials/screen_qr.html", _screen_qr_context(request, found))


@login_required
def desk_store_qr(request, slug):
    """The printable sign for the counter: today's code, with the date on it."""
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug)
    day = timezone.localdate()
    url = _checkin_url(request, found, checkin_codes.daily_code(found, day=day))
    return render(
        request,
        "stores/desk_qr.html",
        {"store": found, "qr": qr_svg(url, 10), "checkin_url": url, "day": day},
    )


@login_required
@require_POST
def desk_store_rotate(request, slug):
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug)
    services.store_checkin_key_rotate(actor=request.user, store=found)
    messages.success(request, _("A new QR code is ready. Print it; the old one no longer works."))
    return redirect("stores:desk_store", slug=slug)


@login_required
@require_POST
def desk_staff(request, slug):
    """The manager names the store's staff by their member names, one per line."""
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug)
    names = [
        n.strip() for n in request.POST.get("usernames", "").replace(",", "\n").splitlines() if n.strip()
    ]
    people = list(get_user_model().objects.filter(username__in=names, is_active=True))
    unknown = sorted(set(names) - {p.username for p in people})
    if unknown:
        messages.error(request, _("No member is called %(names)s.") % {"names": ", ".join(unknown[:5])})
    else:
        services.store_staff_set(actor=request.user, store=found, staff=people)
        messages.success(request, _("Staff saved."))
    return redirect("stores:desk_store", slug=slug)


@login_required
@require_POST
def desk_add_customer(request, slug):
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug)
    form = CustomerForm(request.POST)
    result, status = submit_form(
        form, lambda data: services.contact_add(actor=request.user, store=found, **data)
    )
    if status != 200:
        return _desk_store(request, found, status=status, customer_form=form)
    contact, created = result
    if created:
        messages.success(request, _("Customer added."))
    else:
        messages.info(
            request, _("This customer was known already; they are now also a customer of this store.")
        )
    return redirect("stores:contact", pk=contact.pk)


@login_required
@require_POST
def desk_visit(request, slug, pk):
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug)
    contact = selectors.contact_get_for_desk(viewer=request.user, pk=pk)
    _visit, created = services.visit_record(actor=request.user, store=found, contact=contact)
    if created:
        messages.success(request, _("Visit recorded."))
    else:
        messages.info(request, _("This customer's visit today was recorded already."))
    return redirect(
        request.POST.get("back") == "contact"
        and contact.get_absolute_url()
        or reverse("stores:desk_store", args=[slug])
    )


def _contact(request, contact, *, status=200, link_form=None, unlink_form=None):
    return render(
        request,
        "stores/contact.html",
        {
            "contact": contact,
            "stores": [s for s in contact.stores.all() if permissions.works_in(request.user, s)],
            "orders": selectors.contact_purchases(contact=contact)[:50],
            "timeline": selectors.customer_timeline(contact=contact, limit=100),
            "link_form": link_form or LinkForm(),
            "unlink_form": unlink_form or UnlinkForm(),
            "can_unlink": permissions.can_run_network(request.user) and contact.member_id,
            "sections": render_contact_sections(request, contact),
        },
        status=status,
    )


@login_required
def contact(request, pk):
    return _contact(request, selectors.contact_get_for_desk(viewer=request.user, pk=pk))


@login_required
@require_POST
def contact_link(request, pk):
    found = selectors.contact_get_for_desk(viewer=request.user, pk=pk)
    form = LinkForm(request.POST)
    # submit_form shows the service's refusals (a wrong code, a rate limit) on the form.
    _result, status = submit_form(
        form, lambda data: services.contact_link(actor=request.user, contact=found, code=data["code"])
    )
    if status != 200:
        return _contact(request, found, status=status, link_form=form)
    messages.success(
        request, _("Linked: this customer's visits and purchases now belong to the member's account.")
    )
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def contact_unlink(request, pk):
    found = selectors.contact_get_for_desk(viewer=request.user, pk=pk)
    permissions.access_network(request.user)
    form = UnlinkForm(request.POST)
    _result, status = submit_form(
        form,
        lambda data: services.contact_unlink(actor=request.user, contact=found, reason=data["reason"]),
    )
    if status != 200:
        return _contact(request, found, status=status, unlink_form=form)
    messages.success(request, _("Unlinked."))
    return redirect(found.get_absolute_url())


@login_required
def purchases_upload(request):
    """A point of sale's export, imported all or nothing."""
    permissions.access_desk(request.user)
    form = PurchaseUploadForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = purchases.orders_import_csv(
                    actor=request.user,
                    integration=form.cleaned_data["integration"],
                    content=upload.read(),
                    filename=upload.name,
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
                status = 422
            except DomainError as exc:
                form.add_error(None, exc.text)
                status = exc.status
        else:
            status = 422
    return render(
        request,
        "stores/purchases_upload.html",
        {"form": form, "result": result, "columns": purchases.CSV_COLUMNS},
        status=status,
    )


@login_required
def store_edit(request, slug=None):
    """Operators open a store or change one."""
    permissions.access_network(request.user)
    found = selectors.store_get_for_desk(viewer=request.user, slug=slug) if slug else None
    form = StoreForm(request.POST or None, instance=found)
    status = 200
    if request.method == "POST":
        saved, status = submit_form(
            form, lambda data: services.store_save(actor=request.user, store=found, data=data)
        )
        if status == 200:
            messages.success(request, _("Store saved."))
            return redirect("stores:desk_store", slug=saved.slug)
    return render(request, "stores/store_form.html", {"form": form, "store": found}, status=status)
