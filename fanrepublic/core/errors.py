"""Errors that services raise and that views and the API turn into responses.

Every message is a lazily translated string, so a member sees it in their own language.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request that the rules refuse. `code` is stable for API clients."""

    code = "invalid"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))

    @property
    def text(self) -> str:
        """Everything the member should read, on one line (every field's messages for a
        validation error), for pages that answer with a flash message."""
        errors = getattr(self, "errors", None)
        if errors:
            return " ".join(str(m) for messages in errors.values() for m in messages)
        return str(self.message)


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    default_message = _("Some of the values are not valid.")

    def __init__(self, errors: dict[str, list[str]] | str | None = None, **kwargs):
        if isinstance(errors, str) or errors is None:
            super().__init__(errors, **kwargs)
            self.errors = {kwargs.get("field") or "__all__": [str(self.message)]}
        else:
            super().__init__(**kwargs)
            self.errors = {k: [str(m) for m in v] for k, v in errors.items()}


class NotFound(DomainError):
    """Used for both "missing" and "not yours to see", so nothing leaks."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(DomainError):
    """The object is visible but this action on it is not allowed to this member."""

    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do that.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("That conflicts with the current state.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("You are doing that too often. Please wait and try again.")

    def __init__(self, retry_after: int, message=None):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)


class Unavailable(DomainError):
    """A service the request needs (Redis, say) cannot be reached: nothing was done, and
    the caller is asked to try again — 503 with Retry-After, on pages and in the API."""

    code = "unavailable"
    status = 503
    retry_after = 5
    default_message = _("This cannot be done right now. Please try again in a moment.")
