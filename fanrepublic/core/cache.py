"""A page cache for visitors who are not signed in.

Most views of a fan forum come from people who are not signed in, and they all see the
same page. Like Discourse's anonymous cache, such pages are kept for a short time
(ANONYMOUS_PAGE_CACHE_SECONDS, a minute by default) per path and language, so a busy
topic is rendered about once a minute instead of on every view. Pages for visitors carry
no per-request secret (no CSRF token, no CSP nonce: scripts are same-origin files), which
is what makes them safe to share; a view that did use the CSRF token is never cached.
Anything signed in, with a session, with pending messages, or not a plain GET bypasses it.

Two tiers: each process keeps what it served in its own memory for a few seconds in
front of the shared cache (Redis in production), so a hot page costs a dictionary lookup
rather than a network round trip and unpickling tens of kilobytes.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.utils.translation import get_language

LOCAL_SECONDS = 5


def two_tier_get_many(keys: list[str], *, local_seconds: int) -> dict:
    """What this process remembers, else what the shared cache has (then remembered here
    for `local_seconds`): hot entries cost a dictionary lookup, not a network round trip."""
    local = caches["process"]
    found = local.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        shared = cache.get_many(missing)
        if shared:
            local.set_many(shared, local_seconds)
            found.update(shared)
    return found


def two_tier_set_many(entries: dict, *, seconds: int, local_seconds: int) -> None:
    cache.set_many(entries, seconds)
    caches["process"].set_many(entries, min(seconds, local_seconds))


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def anonymous_page_cache(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        target = request.headers.get("HX-Target", "") if request.headers.get("HX-Request") else ""
        digest = hashlib.sha256(f"{request.get_full_path()}|{target}".encode()).hexdigest()
        key = f"anon-page:{get_language()}:{digest}"
        cached = two_tier_get_many([key], local_seconds=min(seconds, LOCAL_SECONDS)).get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            entry = (response.content, response["Content-Type"])
            two_tier_set_many({key: entry}, seconds=seconds, local_seconds=LOCAL_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapped
