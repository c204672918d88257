from django.utils import timezone, translation

from .services import visit_record


class MemberLanguageMiddleware:
    """A signed-in member's chosen language wins over the browser's Accept-Language
    (which LocaleMiddleware already applied for everyone else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


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
