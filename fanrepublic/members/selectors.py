from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.core.errors import NotFound

from .enums import StaffRole, TrustLevel
from .models import ApiToken, User, VerifiedOwnership


def senior_fans(
    *,
    min_level: int = TrustLevel.REGULAR,
    product_line=None,
    exclude_staff: bool = True,
    verified_owner: bool = False,
) -> QuerySet[User]:
    """THE function later programmes use to pick "senior fans" (beta juries, arbitration
    juries, committees, votes): active, not suspended members at or above a trust level,
    optionally owners of a product line — self-declared, or with `verified_owner` only
    those a purchase or a serial number proves (without a product line it changes
    nothing). Staff are excluded unless asked for."""
    qs = User.objects.filter(is_active=True, trust_level__gte=min_level).exclude(
        suspended_until__gt=timezone.now()
    )
    if exclude_staff:
        qs = qs.exclude(groups__name__in=StaffRole.values).exclude(is_superuser=True)
    if product_line is not None:
        if verified_owner:
            qs = qs.filter(verified_ownerships__product_line=product_line)
        else:
            qs = qs.filter(products_owned=product_line)
    return qs.distinct()


def is_verified_owner(*, member, product_line) -> bool:
    """Whether any evidence (a purchase, a registered serial number, a staff check) shows
    that `member` owns `product_line`."""
    if not getattr(member, "pk", None):  # an anonymous visitor owns nothing provably
        return False
    return VerifiedOwnership.objects.filter(member_id=member.pk, product_line=product_line).exists()


def taking_part_problems(
    member, *, min_trust_level: int = 0, min_member_days: int = 0, owners_of=None
) -> list[str]:
    """Why a signed-in member may not take part in something that limits who may (a
    pre-order campaign, a flash sale): suspended, below a trust level, a member for too
    short a time, or not a verified owner of a product line. Empty: they may."""
    problems = []
    if member.is_suspended:
        problems.append(_("Your account is suspended."))
    if member.trust_level < min_trust_level:
        problems.append(_("You need trust level %(level)d or higher.") % {"level": min_trust_level})
    if min_member_days and member.date_joined > timezone.now() - timedelta(days=min_member_days):
        problems.append(_("You need to have been a member for %(days)d days.") % {"days": min_member_days})
    if owners_of is not None and not is_verified_owner(member=member, product_line=owners_of):
        problems.append(
            _("Only verified owners of %(line)s may take part.") % {"line": owners_of.localized("name")}
        )
    return problems


def verified_product_line_ids(*, member) -> set[int]:
    """The ids of the product lines `member` is a verified owner of."""
    if not getattr(member, "pk", None):
        return set()
    return set(
        VerifiedOwnership.objects.filter(member_id=member.pk).values_list("product_line_id", flat=True)
    )


def owned_product_lines(*, member) -> list:
    """The product lines `member` owns, for their profile: their own list and whatever
    evidence proves, each with `verified` set (True when a purchase, a registered serial
    number or a staff check shows it)."""
    verified = verified_product_line_ids(member=member)
    owned = {line.pk: line for line in member.products_owned.all()}
    # Verifying adds the product to the list; one an admin took off still shows.
    for row in (
        VerifiedOwnership.objects.filter(member_id=member.pk)
        .exclude(product_line_id__in=list(owned))
        .select_related("product_line")
    ):
        owned[row.product_line_id] = row.product_line
    for line in owned.values():
        line.verified = line.pk in verified
    return sorted(owned.values(), key=lambda line: (line.position, line.name))


def staff_members(*, role: str | None = None) -> QuerySet[User]:
    roles = [role] if role else StaffRole.values
    return User.objects.filter(groups__name__in=roles, is_active=True).distinct().order_by("username")


def member_get_public(*, username: str) -> User:
    member = (
        User.objects.filter(username__iexact=username, is_active=True)
        .select_related("stats")
        .prefetch_related("groups", "products_owned")
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def member_search(*, query: str, limit: int = 20) -> QuerySet[User]:
    return User.objects.filter(
        Q(username__icontains=query) | Q(display_name__icontains=query), is_active=True
    ).order_by("username")[:limit]


def api_tokens_of(*, owner: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=owner, revoked_at__isnull=True).order_by("-created_at")


def member_id_for_login(*, login: str) -> int | None:
    """The account a sign-in form's "username or email" names (for counting sign-in
    attempts per account), or None. Emails match the account's own or any of its
    addresses, so one account cannot be guessed at under several names."""
    login = (login or "").strip()
    if not login:
        return None
    return (
        User.objects.filter(
            Q(username__iexact=login) | Q(email__iexact=login) | Q(emailaddress__email__iexact=login)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# What counts as a second factor: an authenticator app or a passkey / security key.
# Recovery codes only stand in for one of these (allauth deletes them with the last).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(*, member: User) -> bool:
    return Authenticator.objects.filter(user_id=member.pk, type__in=SECOND_FACTOR_TYPES).exists()


def authenticator_types_of(*, member: User) -> set[str]:
    """The kinds of authenticator the member has set up ("totp", "webauthn", "recovery_codes")."""
    return set(Authenticator.objects.filter(user_id=member.pk).values_list("type", flat=True).distinct())


def second_factors_of(*, member: User) -> dict:
    """The member's authenticators for the security page: the app, the keys, and how
    many recovery codes are left (None when there are none)."""
    found = list(Authenticator.objects.filter(user_id=member.pk).order_by("created_at"))
    codes = next((a for a in found if a.type == Authenticator.Type.RECOVERY_CODES), None)
    return {
        "totp": next((a for a in found if a.type == Authenticator.Type.TOTP), None),
        "webauthn": [a for a in found if a.type == Authenticator.Type.WEBAUTHN],
        "recovery_codes_left": len(codes.wrap().get_unused_codes()) if codes else None,
    }


def member_sessions(*, member: User) -> list:
    """The member's signed-in sessions (allauth.usersessions), oldest first; sessions
    that expired or were signed out are dropped on the way."""
    return sorted(UserSession.objects.purge_and_list(member), key=lambda s: s.created_at)
