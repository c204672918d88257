from django.db.models import Count, QuerySet
from django.utils import timezone

from fanrepublic.core.errors import NotFound

from .models import Badge, MemberBadge, Perk


def badge_gallery() -> QuerySet[Badge]:
    return (
        Badge.objects.filter(is_visible=True)
        .annotate(holder_count=Count("holders"))
        .order_by("position", "name")
    )


def badges_of(*, member, visible_only: bool = True) -> QuerySet[MemberBadge]:
    qs = (
        MemberBadge.objects.filter(member=member)
        .select_related("badge")
        .order_by("badge__position", "granted_at")
    )
    if visible_only:
        qs = qs.filter(badge__is_visible=True)
    return qs


def perks_open() -> QuerySet[Perk]:
    return Perk.objects.filter(is_active=True, happens_at__gt=timezone.now()).prefetch_related(
        "required_badges"
    )


def perks_for_staff() -> QuerySet[Perk]:
    return Perk.objects.prefetch_related("required_badges").order_by("-is_active", "-happens_at")


def perk_get(*, slug: str, include_closed: bool = False) -> Perk:
    perks = Perk.objects.all() if include_closed else Perk.objects.filter(is_active=True)
    perk = perks.filter(slug=slug).first()
    if perk is None:
        raise NotFound()
    return perk
