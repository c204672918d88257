from django.db.models import Q, QuerySet
from django.utils import timezone

from fanrepublic.core.errors import NotFound

from .enums import StaffRole, TrustLevel
from .models import ApiToken, User


def senior_fans(
    *, min_level: int = TrustLevel.REGULAR, product_line=None, exclude_staff: bool = True
) -> QuerySet[User]:
    """THE function later programmes use to pick "senior fans" (beta juries, arbitration
    juries, committees, votes): active, not suspended members at or above a trust level,
    optionally owners of a product line. Staff are excluded unless asked for."""
    qs = User.objects.filter(is_active=True, trust_level__gte=min_level).exclude(
        suspended_until__gt=timezone.now()
    )
    if exclude_staff:
        qs = qs.exclude(groups__name__in=StaffRole.values).exclude(is_superuser=True)
    if product_line is not None:
        qs = qs.filter(products_owned=product_line)
    return qs.distinct()


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
