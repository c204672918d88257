"""Fixed-window rate limits kept in the cache (Redis in production, shared by all workers).

Returns how long to wait so responses can carry Retry-After; django-ratelimit and
allauth's own limiter do not expose that, which is why this small piece exists.
"""

import contextlib
import time

from django.core.cache import cache

from .errors import RateLimited

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def now() -> float:
    return time.time()


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/m" -> (10, 60); "5/15m" -> (5, 900)."""
    count, _, period = rate.partition("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :] or "s"
    return int(count), int(digits or 1) * _UNITS[unit]


def hit(scope: str, key: str, rate: str) -> str:
    """Count one attempt; raise RateLimited (with the seconds to wait) when over the rate.

    Returns the counter's key, so that a caller that counts attempts *before* it knows
    whether they failed (sign-in: counting first leaves no room for parallel guesses)
    can take a successful one back with `forget()`."""
    limit, window = parse_rate(rate)
    current = int(now())
    window_start = current - current % window
    cache_key = f"rl:{scope}:{key}:{window_start}"
    # add() is atomic on Redis and locmem: the first hit of a window creates the counter.
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        raise RateLimited(retry_after=window_start + window - current)
    return cache_key


def forget(counter_key: str) -> None:
    """Take back one attempt counted by `hit()` (a no-op once its window has passed)."""
    with contextlib.suppress(ValueError):  # the window ended and the counter expired
        cache.decr(counter_key)


def reset(counter_key: str) -> None:
    """Start a counter returned by `hit()` again from zero."""
    cache.delete(counter_key)
