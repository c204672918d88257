"""The fixed-window rate limiter: counts per key, tells how long to wait, resets."""

import pytest

from fanrepublic.core import ratelimit
from fanrepublic.core.errors import RateLimited


@pytest.mark.parametrize(
    "rate,expected",
    [("10/m", (10, 60)), ("5/15m", (5, 900)), ("1/h", (1, 3600)), ("3/s", (3, 1)), ("2/d", (2, 86400))],
)
def test_parse_rate(rate, expected):
    assert ratelimit.parse_rate(rate) == expected


def test_limit_per_key_and_retry_after(monkeypatch):
    clock = [1_800_000_030.0]
    monkeypatch.setattr(ratelimit, "now", lambda: clock[0])
    ratelimit.hit("t", "a", "2/m")
    ratelimit.hit("t", "a", "2/m")
    ratelimit.hit("t", "b", "2/m")  # another key has its own count
    with pytest.raises(RateLimited) as exc:
        ratelimit.hit("t", "a", "2/m")
    assert exc.value.retry_after == 30
    clock[0] += 30  # the next window
    ratelimit.hit("t", "a", "2/m")
