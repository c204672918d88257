from collections import Counter

from django.db.models import Count, QuerySet

from fanrepublic.core.errors import NotFound

from .enums import VoteStatus
from .models import Vote
from .permissions import can_run_votes


def votes_visible(*, viewer) -> QuerySet[Vote]:
    votes = Vote.objects.select_related("product_line").annotate(n_ballots=Count("ballots"))
    if not can_run_votes(viewer):
        votes = votes.exclude(status=VoteStatus.DRAFT)
    return votes.order_by("-opens_at")


def vote_get(*, viewer, slug: str) -> Vote:
    # No ballot count here: this runs on every cast, and counting a vote's ballots on
    # each one would grow with the turnout.
    vote = Vote.objects.select_related("product_line").filter(slug=slug).first()
    # Only a draft needs the viewer's roles (a query): most lookups skip it.
    if vote is None or (vote.status == VoteStatus.DRAFT and not can_run_votes(viewer)):
        raise NotFound()
    return vote


def running_counts(vote: Vote) -> dict[str, int]:
    """First choices so far, for votes that show running results."""
    counts = Counter()
    for (choice,) in vote.ballots.values_list("choice").iterator():
        counts[str(choice[0]) if choice else "abstain"] += 1
    return dict(counts)
