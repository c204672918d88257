from django.db.models import Count, QuerySet

from .models import Event


def events_for_member(*, member, limit: int = 50) -> QuerySet[Event]:
    return Event.objects.filter(actor=member).order_by("-occurred_at")[:limit]


def count_by_verb(
    *, field: str, member_ids: list[int] | None, verbs: list[str]
) -> dict[tuple[int, str], int]:
    """{(member id, verb): events} where `field` ("actor" or "owner") is the member."""
    qs = Event.objects.filter(verb__in=verbs)
    if member_ids is not None:
        qs = qs.filter(**{f"{field}__in": member_ids})
    else:
        qs = qs.filter(**{f"{field}__isnull": False})
    rows = qs.values(f"{field}_id", "verb").annotate(n=Count("id")).order_by()
    return {(r[f"{field}_id"], r["verb"]): r["n"] for r in rows}


def distinct_objects_by_actor(*, member_ids: list[int] | None, verb: str) -> dict[int, int]:
    qs = Event.objects.filter(verb=verb, actor__isnull=False)
    if member_ids is not None:
        qs = qs.filter(actor__in=member_ids)
    rows = qs.values("actor_id").annotate(n=Count("object_id", distinct=True)).order_by()
    return {r["actor_id"]: r["n"] for r in rows}
