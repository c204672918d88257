"""Whether a session passed a second factor, read from allauth's own record of how the
session signed in (docs/security.md, "Second factor for staff").

allauth keeps, in the session, one record per authentication step of the signed-in
member: a password, an emailed code, a second factor (`"method": "mfa"` — an
authenticator app code, a recovery code, a security key or a passkey), and each
re-authentication. A session has passed the second factor when one of its records is an
"mfa" step of the member now signed in.
"""

import time

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from .selectors import SECOND_FACTOR_TYPES


def session_passed_second_factor(request, user) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    """Adding an authenticator app or a key proves holding it (allauth checks a code from
    the app, or the key's signature), so the session that added it has passed it: a staff
    member who has just set up their first factor goes on without signing in again."""
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def totp_activate(*, member, secret: str) -> Authenticator:
    """Give the member an authenticator app with this (base32) secret, as allauth's own
    set-up page would once a code from the app checked out. For the demo accounts and
    tests; members set theirs up on the two-factor page."""
    return TOTP.activate(member, secret).instance


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` at a moment (default: now)."""
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
