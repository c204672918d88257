"""Check-in codes: what a store's QR code carries, derived from the store's secret
`checkin_key` with HMAC-SHA256, so that a photo of the code shared online stops working
soon instead of checking people in from home forever.

Two kinds, told apart by their first letter:

- **screen codes** `s<window>.<mac>` for the counter screen: `window` is the Unix time
  divided by `STORES_CHECKIN_SCREEN_SECONDS` (60). A code is accepted in its own window
  and the next one, so a scan just before the code changes still works.
- **daily codes** `d<YYYYMMDD>.<mac>` for the printed sign: accepted on that local day
  (`timezone.localdate()`, the site's time zone, the one visits are counted in) only.

`mac` is the first 8 bytes of HMAC-SHA256(checkin_key, "<store pk>:<kind>:<period>"),
base64url without padding (11 characters). Rotating the key voids every code. Anything
that is not exactly such a code is refused by `check` without an exception.
"""

import base64
import enum
import hashlib
import hmac
import re
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

MAC_BYTES = 8
MAC_LENGTH = 11  # base64url of 8 bytes, unpadded
MAX_LENGTH = 40  # longer input is refused before any other work
SCREEN_WINDOWS_ACCEPTED = 2  # the current window and the previous one
# ASCII only: `\d` would also match other scripts' digits, which int() accepts.
CODE = re.compile(rf"(?P<kind>[sd])(?P<period>[0-9]{{1,12}})\.(?P<mac>[A-Za-z0-9_-]{{{MAC_LENGTH}}})")


class Verdict(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"  # a genuine code of this store, for a window or day that is over
    INVALID = "invalid"  # anything else: another store's, a rotated key's, malformed


def screen_seconds() -> int:
    return max(1, int(getattr(settings, "STORES_CHECKIN_SCREEN_SECONDS", 60)))


def screen_window(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return int(now.timestamp()) // screen_seconds()


def _mac(store, kind: str, period: str) -> str:
    message = f"{store.pk}:{kind}:{period}".encode()
    digest = hmac.new(store.checkin_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).decode().rstrip("=")


def screen_code(store, *, now: datetime | None = None) -> str:
    """The code for the counter screen right now."""
    window = str(screen_window(now))
    return f"s{window}.{_mac(store, 's', window)}"


def daily_code(store, *, day: date | None = None) -> str:
    """The code for the printed sign, valid on `day` (today, local time) only."""
    period = (day or timezone.localdate()).strftime("%Y%m%d")
    return f"d{period}.{_mac(store, 'd', period)}"


def _day(period: str) -> date | None:
    if len(period) != 8:
        return None
    try:
        return date(int(period[:4]), int(period[4:6]), int(period[6:]))
    except ValueError:
        return None


def check(store, code: object, *, now: datetime | None = None) -> Verdict:
    """Whether `code` lets a member check in at `store` now. Never raises on odd input."""
    if not isinstance(code, str) or not code or len(code) > MAX_LENGTH or not store.checkin_key:
        return Verdict.INVALID
    match = CODE.fullmatch(code)
    if match is None:
        return Verdict.INVALID
    kind, period, mac = match["kind"], match["period"], match["mac"]
    if kind == "s":
        if str(int(period)) != period:
            return Verdict.INVALID  # one spelling per window: no leading zeros
        day = None
    else:
        day = _day(period)
        if day is None:
            return Verdict.INVALID
    if not hmac.compare_digest(mac, _mac(store, kind, period)):
        return Verdict.INVALID
    now = now or timezone.now()
    if day is None:
        age = screen_window(now) - int(period)
        if 0 <= age < SCREEN_WINDOWS_ACCEPTED:
            return Verdict.VALID
        return Verdict.EXPIRED if age > 0 else Verdict.INVALID
    today = timezone.localdate(now)
    if day == today:
        return Verdict.VALID
    return Verdict.EXPIRED if day < today else Verdict.INVALID
