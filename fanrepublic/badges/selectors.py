from django.db.models import Count, QuerySet

from .models import Badge, MemberBadge


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
