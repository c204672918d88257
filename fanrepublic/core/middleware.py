import re

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import Conflict, DomainError, Forbidden, NotFound, RateLimited

# allauth's limiter answers 429 without Retry-After; clients need it to back off.
DEFAULT_RETRY_AFTER = 60


class DomainErrorMiddleware:
    """Turns domain errors that a page view did not handle into the right page: 404 for
    missing or not-visible objects, 403, 409, and 429 with Retry-After. Also adds
    Retry-After to 429 responses that other code (allauth) produced without it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(DEFAULT_RETRY_AFTER)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        template = "429.html" if isinstance(exception, RateLimited) else "error.html"
        response = render(
            request,
            template,
            {
                "message": exception.message,
                "exception": exception,
                "retry_after": getattr(exception, "retry_after", None),
            },
            status=exception.status if isinstance(exception, Forbidden | Conflict | RateLimited) else 400,
        )
        if isinstance(exception, RateLimited):
            response["Retry-After"] = str(exception.retry_after)
        return response


# A NUL escaped in JSON text (\u0000) that is not itself an escaped backslash.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


class RefuseNulMiddleware:
    """Text with a NUL character cannot be stored in PostgreSQL and is never meant: refuse
    it at the door — in the path, the query, a form or a JSON body — with a clear 400,
    instead of letting it fail deep inside a database statement."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                body = {"error": {"code": "invalid_characters", "message": message, "fields": {}}}
                return JsonResponse(body, status=400)
            return render(request, "error.html", {"message": message}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type == "application/json":
            return bool(_JSON_NUL.search(request.body))
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()
            )
        return False
