from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import Forbidden, RateLimited


class SignInLimited(RateLimited):
    """Too many wrong passwords: password sign-in waits, the one-time email code does not.

    Pages render it with its own template (core.middleware), which offers the code."""

    code = "sign_in_limited"
    template_name = "members/sign_in_limited.html"
    default_message = _(
        "Too many unsuccessful sign-in attempts, so signing in with a password is paused for "
        "a while. You can sign in right away with a one-time code sent to your email address."
    )

    @property
    def retry_minutes(self) -> int:
        return -(-self.retry_after // 60)


class SecondFactorRequired(Forbidden):
    """A staff account acting without a second factor: none is set up, or this session
    (or the token's owner) has not passed one (docs/security.md, "Second factor for staff")."""

    code = "second_factor_required"
    default_message = _(
        "Staff accounts need two-factor authentication: set up an authenticator app or a passkey, "
        "and sign in with it, before doing staff work."
    )
