from django.shortcuts import render

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
