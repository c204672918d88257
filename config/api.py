"""The REST API under /api/v1: one NinjaAPI, routers contributed by the apps.

Errors always have the same body: {"error": {"code", "message", "fields"}}.
"""

from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from fanrepublic.activity.api import router as events_router
from fanrepublic.badges.api import router as badges_router
from fanrepublic.betas.api import router as betas_router
from fanrepublic.bounty.api import router as bounty_router
from fanrepublic.committees.api import router as committees_router
from fanrepublic.core.errors import DomainError, RateLimited, ValidationFailed
from fanrepublic.forum.api import router as forum_router
from fanrepublic.governance.api import router as governance_router
from fanrepublic.launches.api import router as launches_router
from fanrepublic.members.api import router as members_router
from fanrepublic.notifications.api import router as notifications_router
from fanrepublic.points.api import router as points_router
from fanrepublic.releases.api import router as releases_router
from fanrepublic.rewards.api import router as rewards_router

api = NinjaAPI(
    title="Fan Republic API",
    version="1",
    description=(
        "Boards, topics, replies, votes, statuses, notifications, member profiles and event "
        "ingestion. Authenticate with the site session (plus CSRF token) or with a personal "
        "token: `Authorization: Bearer fr_...` (create one under Settings → API tokens)."
    ),
    urls_namespace="api",
)
api.add_router("/", forum_router)
api.add_router("/", members_router)
api.add_router("/", badges_router)
api.add_router("/notifications", notifications_router)
api.add_router("/events", events_router)
api.add_router("/points", points_router)
api.add_router("/rewards", rewards_router)
api.add_router("/releases", releases_router)
api.add_router("/bounty", bounty_router)
api.add_router("/betas", betas_router)
api.add_router("/votes", governance_router)
api.add_router("/committees", committees_router)
api.add_router("/launches", launches_router)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    fields = exc.errors if isinstance(exc, ValidationFailed) else {}
    response = api.create_response(request, error_body(exc.code, exc.message, fields), status=exc.status)
    if isinstance(exc, RateLimited):
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


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
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
