"""Who may send events: an integration, by one of its tokens.

Tokens are the members app's (members.ApiToken); members depends on activity, so it
registers how a bearer secret maps to an integration's token here, instead of activity
importing members."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer

_resolve: Callable[[str], object | None] | None = None


def integration_token_resolver(func: Callable[[str], object | None]):
    """Register `func(secret) -> token | None`; the token has `integration`."""
    global _resolve
    _resolve = func
    return func


class IntegrationTokenAuth(HttpBearer):
    """An integration's token, for event ingestion: names the integration it belongs to
    and acts as no member."""

    def authenticate(self, request, token: str):
        found = _resolve(token) if _resolve is not None else None
        if found is None:
            return None
        request.user = AnonymousUser()
        request.api_token = found
        request.integration = found.integration
        return found


integration_auth = IntegrationTokenAuth()
