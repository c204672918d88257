"""Who is calling the API: personal tokens, integrations' tokens, the site session, or
a visitor. Every app's endpoints name one of MEMBER, PUBLIC or integration_auth."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from fanrepublic.activity.auth import integration_token_resolver
from fanrepublic.core.errors import Forbidden

from .enums import TokenScope
from .errors import SecondFactorRequired
from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Personal API tokens: `Authorization: Bearer fr_...`. They act as their owner.
    An integration's token (ingestion only) is not one: it never acts as the member
    who created it, so here it authenticates nobody."""

    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_authenticate(secret=token)
        if found is None or not found.allows(TokenScope.READ):
            return None
        if found.second_factor_missing:
            # A staff member's token works only while they have a second factor
            # (docs/security.md, "Second factor for staff").
            raise SecondFactorRequired()
        request.user = found.owner
        request.api_token = found
        return found


@integration_token_resolver
def integration_token(secret: str):
    """The token of an integration (the activity app's ingestion asks; tokens live here)."""
    found = api_token_authenticate(secret=secret)
    if found is None or not found.allows(TokenScope.INGEST) or found.integration_id is None:
        return None
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
