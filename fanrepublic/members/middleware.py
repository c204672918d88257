from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import timezone, translation

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
