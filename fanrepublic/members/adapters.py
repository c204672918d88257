from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from fanrepublic.activity.services import record_event
from fanrepublic.core.clientip import client_ip, client_network

from . import login_limits
from .permissions import needs_second_factor
from .selectors import SECOND_FACTOR_TYPES


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups land in the event log like every other interaction; sign-in attempts
    are limited by members.login_limits instead of allauth's per-account lock-out."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            lang = getattr(request, "LANGUAGE_CODE", "") or ""
            if lang in ("en", "zh-hans") and not user.language:
                user.language = lang
                user.save(update_fields=["language"])
            record_event(verb="member.signed_up", actor=user, obj=user, owner=user)
        return user

    def get_client_ip(self, request):
        # allauth's own limits (sign-up, password reset, the sign-in form) count by the
        # same address as ours: only the trusted proxy hop is believed.
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        # Replaces allauth's "5 wrong passwords lock the account for everyone": raises
        # SignInLimited (429 with Retry-After, offering a one-time code) instead.
        login = credentials.get("email") or credentials.get("username") or credentials.get("phone") or ""
        self._sign_in_attempt = login_limits.sign_in_attempt_start(ip=client_network(request), login=login)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        attempt = getattr(self, "_sign_in_attempt", None)
        if user is not None and attempt is not None:
            attempt.succeeded()
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Staff keep a second factor: allauth asks this before deactivating the authenticator
    app, which staff may do only while a key remains (docs/security.md, "Second factor for
    staff"). Removing one's last key is not asked about; staff without a factor left must
    set one up again before any staff work (members.middleware)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type in SECOND_FACTOR_TYPES and needs_second_factor(authenticator.user):
            others = Authenticator.objects.filter(
                user_id=authenticator.user_id, type__in=SECOND_FACTOR_TYPES
            ).exclude(pk=authenticator.pk)
            return others.exists()
        return super().can_delete_authenticator(authenticator)
