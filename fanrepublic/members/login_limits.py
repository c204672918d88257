"""Sign-in limits that slow guessing down without locking the owner out.

Wrong passwords are counted three ways, in fixed windows kept in the shared cache
(core.ratelimit; Redis in production), each with its own setting:

- per account and client address (`SIGN_IN_FAILURES_PER_ACCOUNT_IP`): someone guessing
  one member's password from one address is stopped quickly, while the owner signing in
  from anywhere else is not affected at all;
- per client address (`SIGN_IN_FAILURES_PER_IP`): one address trying many accounts
  (password spraying);
- per account (`SIGN_IN_FAILURES_PER_ACCOUNT`): many addresses guessing one account. It
  is set well above the first, so a single address can never reach it (its attempts
  stop counting towards it once it is itself limited). When it is reached, password
  sign-in for the account waits, but the owner can sign in at once with a one-time code
  emailed to them (allauth's login by code), which the limit's page offers.

Attempts are counted *before* the password is checked, so parallel requests cannot
sneak extra guesses past the limit; a successful sign-in takes its count back and
forgives the account's earlier failures from that address.
Requests for a sign-in code are limited the same way (per address and email, per
address, per email). The client address comes from core.clientip. docs/security.md
lists the numbers.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings

from fanrepublic.core import ratelimit
from fanrepublic.core.errors import RateLimited

from .errors import SignInLimited
from .selectors import member_id_for_login


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:32]


def _account_key(login: str) -> str:
    """One key per account however it is named (username or any of its emails); a login
    that names no account is counted by the name itself, so an unknown account behaves
    exactly like a known one and nothing tells them apart."""
    member_id = member_id_for_login(login=login)
    return f"m{member_id}" if member_id is not None else f"n{_digest(login)}"


@dataclass
class SignInAttempt:
    address: str | None = None
    account_at_address: str | None = None
    account: str | None = None

    def succeeded(self) -> None:
        """The password was right. Whoever typed it knows it, so the account's count
        from this address starts again (an owner's own typos are forgiven); the counts
        per address and per account only take this attempt back, so a successful
        sign-in to one's own account cannot reset an attack on others."""
        if self.account_at_address:
            ratelimit.reset(self.account_at_address)
        for counter in (self.address, self.account):
            if counter:
                ratelimit.forget(counter)
        self.address = self.account_at_address = self.account = None


def sign_in_attempt_start(*, ip: str, login: str) -> SignInAttempt:
    """Count a password attempt for `login` from `ip`; raise SignInLimited (429 with
    Retry-After) when a limit is already reached. Call `.succeeded()` on the result
    when the password turns out to be right."""
    account = _account_key(login)
    attempt = SignInAttempt()
    try:
        attempt.address = ratelimit.hit("signin-ip", ip, settings.SIGN_IN_FAILURES_PER_IP)
        attempt.account_at_address = ratelimit.hit(
            "signin-account-ip", f"{account}:{ip}", settings.SIGN_IN_FAILURES_PER_ACCOUNT_IP
        )
        attempt.account = ratelimit.hit("signin-account", account, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    except RateLimited as exc:
        raise SignInLimited(retry_after=exc.retry_after) from None
    return attempt


def sign_in_code_requested(*, ip: str, email: str) -> None:
    """Count a request for a one-time sign-in code; raise RateLimited when over a limit.
    Limits per address and email, per address, and per email (which bounds the mail one
    inbox can be sent)."""
    mailbox = _digest(email)
    ratelimit.hit("signin-code-ip", ip, settings.SIGN_IN_CODE_REQUESTS_PER_IP)
    ratelimit.hit("signin-code-email-ip", f"{mailbox}:{ip}", settings.SIGN_IN_CODE_REQUESTS_PER_EMAIL_IP)
    ratelimit.hit("signin-code-email", mailbox, settings.SIGN_IN_CODE_REQUESTS_PER_EMAIL)
