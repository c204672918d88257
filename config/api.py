"""The REST API under /api/v1: one NinjaAPI, routers contributed by the apps.

Errors always have the same body: {"error": {"code", "message", "fields"}}.
"""

import math

from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from fanrepublic.core.capabilities import api_routers
from fanrepublic.core.errors import DomainError, RateLimited, Unavailable, ValidationFailed
from fanrepublic.core.throttling import API_THROTTLES, address_hit

api = NinjaAPI(
    title="Fan Republic API",
    version="1",
    description=(
        "Boards, topics, replies, votes, statuses, notifications, member profiles and event "
        "ingestion. Authenticate with the site session (plus CSRF token) or with a personal "
        "token: `Authorization: Bearer fr_...` (create one under Settings → API tokens)."
    ),
    urls_namespace="api",
    # Per address and per token, higher for integration tokens (core.throttling;
    # docs/api.md). ninja runs them after authentication; failed authentications are
    # counted against the address in auth_error below.
    throttle=API_THROTTLES,
)
# Every app's router comes from its capability.py; nothing here lists them.
for prefix, router in api_routers():
    api.add_router(prefix, router)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    fields = exc.errors if isinstance(exc, ValidationFailed) else {}
    response = api.create_response(request, error_body(exc.code, exc.message, fields), status=exc.status)
    if isinstance(exc, RateLimited | Unavailable):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        # Drop where the value came from ("body", "query", ...) and the payload argument.
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
            loc = loc[1:]
        if loc and loc[0] in ("payload", "filters"):
            loc = loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return api.create_response(
        request, error_body("validation_error", _("Some of the values are not valid."), fields), status=422
    )


def rate_limited(request, retry_after: int):
    response = api.create_response(
        request, error_body(RateLimited.code, RateLimited.default_message), status=RateLimited.status
    )
    response["Retry-After"] = str(max(1, int(retry_after)))
    return response


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    # ninja sets Retry-After again from the same wait once this returns.
    wait = exc.wait if exc.wait is not None else 60
    return rate_limited(request, math.ceil(wait))


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    # A request whose token or session was refused never reached the throttles: it
    # still counts against its address, so guessing tokens is throttled too.
    try:
        address_hit(request)
    except RateLimited as limited:
        return rate_limited(request, limited.retry_after)
    return api.create_response(
        request, error_body("not_authenticated", _("Sign in or send a valid API token.")), status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


@api.exception_handler(DataError)
def unstorable_value(request, exc: DataError):
    """A value the database cannot hold (a NUL character in text, an out-of-range
    number in a path or filter) is the client's error, not a server fault. Services
    write inside transactions, so the statement that refused it rolled back its work."""
    return api.create_response(
        request,
        error_body("invalid_value", _("The request contains a value that cannot be stored or looked up.")),
        status=400,
    )
