from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import Forbidden, NotFound, ValidationFailed
from fanrepublic.core.forms import apply_errors
from fanrepublic.core.selectors import audit_entries

from . import permissions, selectors, services
from .forms import LanguageForm, ProfileForm, SuspendForm, TokenForm
from .permissions import can_moderate, can_view_metrics


def profile(request, username):
    member = selectors.member_get_public(username=username)
    return render(
        request,
        "members/profile.html",
        {
            "member": member,
            "products": selectors.owned_product_lines(member=member),
            "stats": getattr(member, "stats", None),
            "can_moderate": can_moderate(request.user),
            "suspend_form": SuspendForm(),
        },
    )


@login_required
def profile_edit(request):
    member = request.user
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=member,
        initial={"products_owned": member.products_owned.all()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in ("display_name", "bio", "language", "avatar", "country")}
            member.refresh_from_db()
            try:
                services.profile_update(
                    member=member, data=data, products_owned=form.cleaned_data["products_owned"]
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("members:profile", username=member.username)
        status = 422
    return render(request, "members/profile_edit.html", {"form": form}, status=status)


@require_POST
def set_language(request):
    """Switch the interface language: remembered on the member's profile when signed in,
    in a cookie otherwise."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.member_set_language(member=request.user, language=language)
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 86400,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
def tokens(request):
    may_ingest = permissions.can_create_integration_token(request.user)
    form = TokenForm(request.POST or None, may_ingest=may_ingest, member=request.user)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = services.api_token_create(owner=request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
                status = 422
            except Forbidden as exc:
                form.add_error("scopes", exc.message)
                status = 403
            else:
                form = TokenForm(may_ingest=may_ingest, member=request.user)
        else:
            status = 422
    return render(
        request,
        "members/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.api_tokens_of(owner=request.user),
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    services.api_token_revoke(owner=request.user, token_id=pk)
    messages.success(request, _("Token revoked."))
    return redirect("members:security" if request.POST.get("next") == "security" else "members:tokens")


@login_required
def security(request):
    """One page for the member's account security: two-factor status (set up and
    managed on allauth's pages), signed-in sessions and API tokens."""
    member = request.user
    return render(
        request,
        "members/security.html",
        {
            "factors": selectors.second_factors_of(member=member),
            "second_factor_required": permissions.needs_second_factor(member),
            "sessions": selectors.member_sessions(member=member),
            "current_session_key": request.session.session_key,
            "tokens": selectors.api_tokens_of(owner=member),
        },
    )


@login_required
@require_POST
def session_end(request, pk):
    services.member_session_end(
        member=request.user, session_id=pk, current_session_key=request.session.session_key
    )
    messages.success(request, _("That session is signed out."))
    return redirect("members:security")


@login_required
@require_POST
def sessions_end_others(request):
    count = services.member_sessions_end_others(
        member=request.user, current_session_key=request.session.session_key
    )
    messages.success(
        request,
        ngettext("%(count)d other session signed out.", "%(count)d other sessions signed out.", count)
        % {"count": count},
    )
    return redirect("members:security")


@login_required
@require_POST
def suspend(request, username):
    if not can_moderate(request.user):
        raise NotFound()
    member = selectors.member_get_public(username=username)
    form = SuspendForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data["days"]
        until = timezone.now() + timedelta(days=days) if days else None
        try:
            services.member_suspend(
                actor=request.user, member=member, until=until, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Suspension saved and audited."))
    else:
        messages.error(request, _("Give a number of days and a reason."))
    return redirect("members:profile", username=member.username)


@login_required
@require_POST
def recompute_trust(request, username):
    if not can_moderate(request.user):
        raise NotFound()
    member = selectors.member_get_public(username=username)
    services.trust_levels_recompute(member_ids=[member.pk])
    messages.success(request, _("Trust level recomputed."))
    return redirect("members:profile", username=member.username)


@login_required
def audit_log(request):
    """The append-only log of staff actions, for operators and founders."""
    if not can_view_metrics(request.user):
        raise NotFound()
    entries = audit_entries(action=request.GET.get("action", ""), actor_username=request.GET.get("actor", ""))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
