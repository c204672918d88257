from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from fanrepublic.core.errors import NotFound

from .models import Committee, Election, Seat


def current_seats(committee: Committee) -> QuerySet[Seat]:
    today = timezone.localdate()
    return (
        committee.seats_held.filter(left_on__isnull=True, starts_on__lte=today, ends_on__gte=today)
        .select_related("member")
        .order_by("starts_on", "id")
    )


def committees_all() -> QuerySet[Committee]:
    today = timezone.localdate()
    current = Q(left_on__isnull=True, starts_on__lte=today, ends_on__gte=today)
    return Committee.objects.select_related("product_line").prefetch_related(
        Prefetch(
            "seats_held", queryset=Seat.objects.filter(current).select_related("member"), to_attr="current"
        )
    )


def committee_get(*, slug: str) -> Committee:
    committee = Committee.objects.select_related("product_line").filter(slug=slug).first()
    if committee is None:
        raise NotFound()
    return committee


def election_get(*, committee: Committee, pk: int) -> Election:
    election = committee.elections.select_related("vote").filter(pk=pk).first()
    if election is None:
        raise NotFound()
    return election
