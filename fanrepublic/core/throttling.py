"""The API throttle: django-ninja's throttle hooks, counted by core.ratelimit.

ninja's own SimpleRateThrottle keeps a list of every request's time per client in the
cache, read and rewritten whole on each request (not atomic, and thousands of entries
for an integration's limit), and its AnonRateThrottle reads X-Forwarded-For as the
client sends it. These count in fixed windows with one atomic increment in the shared
cache (Redis in production), by the client address of core.clientip, and report the
exact wait for Retry-After. config/api.py installs them on the whole API and turns
ninja's `Throttled` into the API's error body.

Rates are read from settings on each request (docs/api.md lists them):
- API_RATE_PER_IP: every request from one address (IPv6: one /64), whoever sends it,
  except those of integration tokens;
- API_RATE_PER_TOKEN: one personal token's requests;
- API_RATE_PER_INTEGRATION_TOKEN: one integration token's requests (scope events:ingest).
"""

import logging
import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from . import ratelimit
from .cache import REDIS_UNREACHABLE
from .clientip import client_network
from .errors import RateLimited

logger = logging.getLogger(__name__)


def is_integration(token) -> bool:
    # An integration's token belongs to an integration (members.ApiToken.integration);
    # only those ingest events, so this is the same test as the events:ingest scope.
    return token is not None and getattr(token, "integration_id", None) is not None


class WindowThrottle(BaseThrottle):
    """One limit, counted in core.ratelimit's fixed windows. ninja calls `wait()` on
    the same instance right after a refusal, so the wait is kept per thread."""

    scope = ""

    def __init__(self):
        self._refused = threading.local()

    def key_and_rate(self, request: HttpRequest) -> tuple[str | None, str]:
        raise NotImplementedError

    def get_ident(self, request: HttpRequest) -> str:
        # ninja's own reads X-Forwarded-For as sent; only the trusted hop counts.
        return client_network(request)

    def allow_request(self, request: HttpRequest) -> bool:
        self._refused.wait = None
        key, rate = self.key_and_rate(request)
        if key is None:
            return True
        try:
            ratelimit.hit(self.scope, key, rate)
        except RateLimited as exc:
            self._refused.wait = exc.retry_after
            return False
        except REDIS_UNREACHABLE:
            # The counters' store (Redis) being away is not the caller's fault: the API
            # serves on without its throttle and says so in the log, rather than answer
            # every request with 500.
            logger.warning("API throttle %s not counted: the cache is unreachable", self.scope, exc_info=True)
        return True

    def wait(self) -> float | None:
        return getattr(self._refused, "wait", None)


class AddressThrottle(WindowThrottle):
    scope = "api-ip"

    def key_and_rate(self, request):
        request._api_address_counted = True
        if is_integration(getattr(request, "api_token", None)):
            return None, ""
        return self.get_ident(request), settings.API_RATE_PER_IP


class TokenThrottle(WindowThrottle):
    scope = "api-token"

    def key_and_rate(self, request):
        token = getattr(request, "api_token", None)
        if token is None:
            return None, ""
        if is_integration(token):
            return str(token.pk), settings.API_RATE_PER_INTEGRATION_TOKEN
        return str(token.pk), settings.API_RATE_PER_TOKEN


def address_hit(request: HttpRequest) -> None:
    """Count a request that never reached the throttles (its authentication failed)
    against its address; raise RateLimited when the address is over its limit."""
    if getattr(request, "_api_address_counted", False):
        return
    request._api_address_counted = True
    ratelimit.hit(AddressThrottle.scope, client_network(request), settings.API_RATE_PER_IP)


API_THROTTLES = [AddressThrottle(), TokenThrottle()]
