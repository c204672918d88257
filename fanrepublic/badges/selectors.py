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


def perk_get(*, slug: str) -> Perk:
    perk = Perk.objects.filter(slug=slug, is_active=True).first()
    if perk is None:
        raise NotFound()
    return perk
