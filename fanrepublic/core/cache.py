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

A page new content reaches within the minute is fine; a page that still shows what a
moderator has just hidden is not. The key of every cached page holds the generation of
the visitors' pages, a token in the shared cache that `anonymous_pages_expire()` replaces
after the commit of a write that takes something away from visitors (a topic hidden,
moved or merged, a reply hidden): every cached page, in every process and in both tiers,
is then out of reach at once. Each cached page costs that one small read of the shared
cache (a few dozen bytes); the page itself still comes from the process's memory.
"""

import hashlib
import logging
import uuid
from functools import wraps

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

LOCAL_SECONDS = 5
logger = logging.getLogger(__name__)
# Redis (the shared cache, the hall's queue) being unreachable: pages are then served
# uncached, and work that only tidies Redis is logged, never turned into an error. The
# builtin TimeoutError is what a plain socket to Redis raises (launches.ballot_queue).
REDIS_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, TimeoutError)


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


GENERATION_KEY = "anon-page:generation"


def _generation() -> str:
    """The current generation of the visitors' pages, read from the shared cache on every
    request (never from the process's memory, which another process cannot reach). A
    generation that is missing (never set, or evicted) is replaced by a new one rather
    than by a fixed default, so pages from before an eviction never come back."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def anonymous_pages_expire() -> None:
    """Once the current transaction commits (at once outside one), every visitor page
    cached so far is out of reach: the next visitor gets a freshly rendered page. Not
    before the commit, else a visitor in between would cache the old state again under the
    new generation. For writes that take something away from visitors (moderation), not
    for every new post: each call empties the whole visitors' cache. Robust: a cache that
    cannot be reached is logged, never turned into an error for a change already made."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None), robust=True)


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
        try:
            key = f"anon-page:{_generation()}:{get_language()}:{digest}"
            cached = two_tier_get_many([key], local_seconds=min(seconds, LOCAL_SECONDS)).get(key)
        except REDIS_UNREACHABLE:
            # The shared cache (Redis) is away: serve the page uncached rather than fail.
            logger.warning("visitor page served uncached: the shared cache is unreachable", exc_info=True)
            return view(request, *args, **kwargs)
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
            try:
                two_tier_set_many({key: entry}, seconds=seconds, local_seconds=LOCAL_SECONDS)
            except REDIS_UNREACHABLE:
                logger.warning("visitor page not cached: the shared cache is unreachable", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapped
