import json
import logging
import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .errors import Conflict, DomainError, Forbidden, NotFound, RateLimited, Unavailable
from .text import any_invalid_unicode

# allauth's limiter answers 429 without Retry-After; clients need it to back off.
DEFAULT_RETRY_AFTER = 60

logger = logging.getLogger(__name__)

# A body Django cannot or will not read: too large (DATA_UPLOAD_MAX_MEMORY_SIZE), too many
# fields or files, or a broken multipart body (a bad boundary). The client's mistake, so a
# clear 4xx — never a server error or a logged traceback.
UNREADABLE_BODY = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError)


def unreadable_body_response(request, exc):
    """413 for a body over the size limit, 400 for the rest: the API's error body under
    /api/, the error page elsewhere."""
    if isinstance(exc, RequestDataTooBig):
        status, code = 413, "request_too_large"
        message = _("The request is too large.")
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        status, code = 400, "too_many_fields"
        message = _("The request has too many fields or files.")
    else:
        status, code = 400, "unreadable_body"
        message = _("The request body could not be read.")
    # As Django's own handler does: request.POST and FILES read as empty from now on, so
    # nothing that handles the response trips over the same body again.
    request._mark_post_parse_error()
    logger.info("Unreadable request body (%s) on %s: %s", code, request.path, exc)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    return render(request, "error.html", {"message": message}, status=status)


class DomainErrorMiddleware:
    """Turns domain errors that a page view did not handle into the right page: 404 for
    missing or not-visible objects, 403, 409, 429 and 503 (a service the request needs is
    unreachable), the last two with Retry-After. Also adds Retry-After to 429 responses
    that other code (allauth) produced without it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(DEFAULT_RETRY_AFTER)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, UNREADABLE_BODY):
            # A view (or django-ninja) that read the body itself.
            return unreadable_body_response(request, exception)
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        # An error may name its own page (members.errors.SignInLimited offers sign-in by code).
        template = getattr(exception, "template_name", None) or (
            "429.html" if isinstance(exception, RateLimited) else "error.html"
        )
        response = render(
            request,
            template,
            {
                "message": exception.message,
                "exception": exception,
                "retry_after": getattr(exception, "retry_after", None),
            },
            status=exception.status
            if isinstance(exception, Forbidden | Conflict | RateLimited | Unavailable)
            else 400,
        )
        if isinstance(exception, RateLimited | Unavailable):
            response["Retry-After"] = str(exception.retry_after)
        return response


# A NUL escaped in JSON text (\u0000) that is not itself an escaped backslash.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
# A surrogate escaped in JSON text (\ud800-\udfff): a hint, confirmed by decoding, since a
# proper pair (an emoji written as two escapes) is fine.
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class RefuseNulMiddleware:
    """Text with a NUL character cannot be stored in PostgreSQL and is never meant: refuse
    it at the door — in the path, the query, a form or a JSON body — with a clear 400,
    instead of letting it fail deep inside a database statement."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return self._refused(request, _("The request contains a NUL character, which is not allowed."))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A view marked `reads_raw_text` (a git host's webhook: its own reader cleans what
        # it keeps) takes the body as the sender wrote it: refusing a pull request's odd
        # title would lose the contribution.
        if getattr(view_func, "reads_raw_text", False):
            return None
        try:
            message = self._problem(request)
        except UNREADABLE_BODY as exc:
            # Before LocaleMiddleware: answer in the language the browser asks for.
            with translation.override(translation.get_language_from_request(request)):
                return unreadable_body_response(request, exc)
        if message:
            return self._refused(request, message)
        return None

    @staticmethod
    def _refused(request, message):
        if request.path.startswith("/api/"):
            body = {"error": {"code": "invalid_characters", "message": message, "fields": {}}}
            return JsonResponse(body, status=400)
        return render(request, "error.html", {"message": message}, status=400)

    @classmethod
    def _problem(cls, request) -> str | None:
        if cls._has_nul(request):
            return _("The request contains a NUL character, which is not allowed.")
        if cls._has_lone_surrogate(request):
            return _("The request contains text that is not valid Unicode (a lone surrogate).")
        return None

    @staticmethod
    def _has_lone_surrogate(request) -> bool:
        """JSON may escape half of a surrogate pair ("\\ud800"), which decodes to a string
        that cannot be encoded as UTF-8: nh3, the database driver and email fail on it.
        Forms and paths are percent-encoded bytes, which Django decodes without them."""
        if request.method in ("GET", "HEAD", "OPTIONS") or request.content_type != "application/json":
            return False
        body = request.body
        if not _JSON_SURROGATE.search(body):
            return False
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            # Not JSON, or nested deeper than the parser goes: the API answers that itself.
            return False
        return any_invalid_unicode(data)

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


class PrivateCacheMiddleware:
    """Pages for a signed-in member (or an API call with a token) show that member's own
    data: `Cache-Control: private`, so no shared cache (a proxy, a CDN) keeps them. Staff
    pages, the admin and settings pages (a new API token is shown there once) also get
    `no-store`, so not even the browser keeps a copy. A response that set its own
    Cache-Control keeps it (private images, CSV exports). Pages for visitors are left to
    core.cache, which caches them in the server, not in anyone's browser."""

    NO_STORE_PATHS = ("/staff/", "/admin/", "/settings/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            if any(part in request.path for part in self.NO_STORE_PATHS):
                patch_cache_control(response, private=True, no_store=True)
            else:
                patch_cache_control(response, private=True)
        return response
