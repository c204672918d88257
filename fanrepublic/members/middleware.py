import time
from urllib.parse import urlsplit

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import selectors
from .errors import SecondFactorRequired
from .permissions import needs_second_factor
from .second_factor import session_passed_second_factor
from .services import visit_record


class MemberLanguageMiddleware:
    """A signed-in member's chosen language wins over the browser's Accept-Language
    (which LocaleMiddleware already applied for everyone else).

    Visitors switch with a plain link (`?set_language=zh-hans`) that stores the choice in
    the language cookie: their pages then carry no CSRF token and can be cached
    (core.cache). Members switch with a POST form that also saves it on their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.GET.get("set_language") if request.method == "GET" else None
        if wanted is not None:
            return self._switch_for_visitor(request, wanted)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

    @staticmethod
    def _switch_for_visitor(request, wanted: str):
        query = request.GET.copy()
        query.pop("set_language")
        target = request.path + (f"?{query.urlencode()}" if query else "")
        response = HttpResponseRedirect(target)
        if wanted in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                wanted,
                max_age=365 * 86400,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


class VisitMiddleware:
    """Counts days visited for trust levels; the session remembers today's visit so this
    costs one write per member per day, not one per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            today = timezone.localdate().isoformat()
            if request.session.get("visit_day") != today:
                visit_record(member=user, day=timezone.localdate())
                request.session["visit_day"] = today
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Staff accounts act only after a second factor (docs/security.md, "Second factor
    for staff").

    A signed-in staff member (any staff role, the admin's staff flag, a superuser) may
    use a page, the admin or the API only when they have a second factor (an
    authenticator app or a key) and this session passed it. Otherwise *every* page, the
    admin and every API operation answers "second factor first" — not a list of staff
    pages: staff tools are
    spread over the apps, and member pages show staff their actions and private content
    (a security report, a moderation form), so only the few pages needed to get the
    factor stay open:

    - no authenticator (yet, or none left): allauth's account pages (two-factor set-up, re-entering the
      password it asks for, email, sign-out), the security page (sessions, token
      revocation), the language switch; everything else goes to the two-factor page;
    - an authenticator, but this session did not use it (signed in before it was set up,
      or signed in some other way): only re-authentication with it, sign-out and the
      language switch — not adding another authenticator or reading recovery codes with
      the password alone.

    Pages redirect (htmx requests with HX-Redirect) with a message; the API answers 403
    `{"error": {"code": "second_factor_required", ...}}`. Personal tokens of staff are
    checked in members.api_auth.TokenAuth. Members (no staff role) are never asked."""

    SETUP_VIEWS = frozenset(
        {
            "members:security",
            "members:session_end",
            "members:sessions_end_others",
            "members:token_revoke",
            "members:set_language",
            "health",
        }
    )
    VERIFY_VIEWS = frozenset(
        {
            "account_logout",
            "mfa_reauthenticate",
            "mfa_reauthenticate_webauthn",
            "members:set_language",
            "health",
        }
    )
    CODE_TYPES = frozenset({"totp", "recovery_codes"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not needs_second_factor(user):
            return None
        types = selectors.authenticator_types_of(member=user)
        has_factor = bool(types & set(selectors.SECOND_FACTOR_TYPES))
        if has_factor and session_passed_second_factor(request, user):
            return None
        match = request.resolver_match
        if has_factor:
            if match.view_name in self.VERIFY_VIEWS:
                return None
            name = "mfa_reauthenticate" if types & self.CODE_TYPES else "mfa_reauthenticate_webauthn"
            target = f"{reverse(name)}?{urlencode({'next': self._next(request)})}"
            message = _(
                "Confirm it is you with your second factor (authenticator app, security key or "
                "recovery code) to continue."
            )
        else:
            if match.view_name in self.SETUP_VIEWS or getattr(match.func, "__module__", "").startswith(
                "allauth."
            ):
                return None
            target = reverse("mfa_index")
            message = _(
                "Staff accounts need two-factor authentication. Set up an authenticator app or a "
                "passkey to continue."
            )
        if "api" in match.namespaces:
            error = SecondFactorRequired(message)
            body = {"error": {"code": error.code, "message": str(error.message), "fields": {}}}
            return JsonResponse(body, status=error.status)
        messages.warning(request, message)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)

    @staticmethod
    def _next(request) -> str:
        """Where to go once the factor is passed: this page, or for a form that was sent
        the page it was sent from."""
        if request.method in ("GET", "HEAD"):
            return request.get_full_path()
        referer = request.META.get("HTTP_REFERER", "")
        if referer and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(referer)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return "/"


class SessionListMiddleware:
    """Keeps a member's list of signed-in sessions (allauth.usersessions, shown on the
    security page) current: a session is noted — address, browser, last seen — when it
    is first seen (also one that began before the list existed) and then at most every
    NOTE_EVERY seconds, instead of allauth's write on every request."""

    NOTE_EVERY = 300
    SESSION_KEY = "members_session_noted"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and session.session_key:
            noted = session.get(self.SESSION_KEY)
            now = int(time.time())
            fresh = (
                isinstance(noted, list)
                and len(noted) == 2
                and noted[0] == session.session_key
                and now - noted[1] < self.NOTE_EVERY
            )
            if not fresh:
                UserSession.objects.create_from_request(request)
                session[self.SESSION_KEY] = [session.session_key, now]
        return self.get_response(request)
