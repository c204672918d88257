"""Shared pieces of the REST API: authentication, errors, pagination."""

from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer, SessionAuth

from fanrepublic.members.enums import TokenScope
from fanrepublic.members.services import api_token_authenticate

from .errors import Forbidden

# Every id the API accepts: a positive 64-bit integer, so a client's absurd number is a
# 422, never a database overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class TokenAuth(HttpBearer):
    """Personal API tokens: `Authorization: Bearer fr_...`."""

    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_authenticate(secret=token)
        if found is None:
            return None
        request.user = found.owner
        request.api_token = found
        return found


class MemberSession(SessionAuth):
    """The site's own session; unsafe methods also need the CSRF token."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user:
            request.api_token = None
        return user


class Anonymous:
    """Lets a public endpoint run for visitors while still recognising members."""

    def __call__(self, request):
        request.api_token = None
        if not hasattr(request, "user"):
            request.user = AnonymousUser()
        return "anonymous"


token_auth = TokenAuth()
session_auth = MemberSession()
MEMBER = [token_auth, session_auth]
PUBLIC = [token_auth, session_auth, Anonymous()]


def require_member(request):
    if not request.user.is_authenticated:
        raise AuthenticationError()
    return request.user


def require_scope(request, scope: str = TokenScope.WRITE):
    """Tokens carry scopes; the site session may do what the member may do."""
    user = require_member(request)
    token = getattr(request, "api_token", None)
    if token is not None and not token.allows(scope):
        raise Forbidden(
            _("This token lacks the “%(scope)s” scope.") % {"scope": scope}, code="insufficient_scope"
        )
    return user


class Pages(PageNumberPagination):
    """Page-number pagination with bounded input, so an absurd page is a 422, not a
    database overflow."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)
