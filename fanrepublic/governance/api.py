from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from fanrepublic.core.api import BodyId
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import permissions, selectors, services
from .enums import VoteStatus

router = Router(tags=["votes"])


class VoteOptionOut(Schema):
    id: int
    label: str
    label_zh: str
    details: str


class VoteOut(Schema):
    slug: str
    question: str
    question_zh: str
    method: str
    seats: int
    status: str
    opens_at: datetime
    closes_at: datetime
    quorum: int
    binding: bool
    secret: bool
    allow_change: bool
    allow_abstain: bool
    options: list[VoteOptionOut]
    digest: str
    result: dict | None
    outcome: str

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())

    @staticmethod
    def resolve_result(obj):
        return obj.result if obj.status == VoteStatus.PUBLISHED else None


class BallotIn(Schema):
    options: list[BodyId] = Field(
        default_factory=list,
        max_length=50,
        description="One id (single), any ids (approval), ids in order (ranked).",
    )
    abstain: bool = False


class BallotOut(Schema):
    receipt: str
    choice: list[int]
    abstain: bool
    cast_at: datetime
    changes: int


class VerifyOut(Schema):
    counted: bool
    choice: list[int] | None = None
    digest_scheme: str | None = Field(None, description='"rfc9162-sha256" (or "fr-merkle-v1" before it)')
    leaf_index: int | None = Field(None, description="The ballot's place in receipt order, from 0.")
    tree_size: int | None = None
    leaf_hash: str | None = None
    audit_path: list[str] | None = Field(None, description="RFC 9162 §2.1.3 inclusion path, leaf upwards.")
    path: list[list[str]] | None = Field(None, description='The audit path as ["L"|"R", hash] pairs.')
    digest_matches: bool | None = None


class OutcomeIn(Schema):
    outcome: str = Field(..., max_length=2000)
    outcome_zh: str = Field("", max_length=2000)


def _vote(request, slug):
    return selectors.vote_get(viewer=request.user, slug=slug)


@router.get("", response=list[VoteOut], auth=PUBLIC)
def list_votes(request):
    return list(selectors.votes_visible(viewer=request.user).prefetch_related("options")[:200])


@router.get("/{slug}", response=VoteOut, auth=PUBLIC)
def get_vote(request, slug: str):
    return _vote(request, slug)


@router.post("/{slug}/ballot", response={201: BallotOut}, auth=MEMBER)
def cast(request, slug: str, payload: BallotIn):
    """Cast (or, where allowed, change) your ballot; keep the receipt."""
    member = require_scope(request)
    return Status(
        201,
        services.ballot_cast(
            member=member, vote=_vote(request, slug), option_ids=payload.options, abstain=payload.abstain
        ),
    )


@router.get("/{slug}/ballot", response=BallotOut, auth=MEMBER)
def my_ballot(request, slug: str):
    ballot = services.my_ballot(member=request.user, vote=_vote(request, slug))
    if ballot is None:
        raise NotFound()
    return ballot


@router.get("/{slug}/verify", response=VerifyOut, auth=PUBLIC)
def verify(request, slug: str, receipt: str = Query(..., max_length=64)):
    """Is this receipt among the published ballots, with which choice, and does its Merkle
    path reach the published digest?"""
    found = services.receipt_check(vote=_vote(request, slug), receipt=receipt)
    if found is None:
        return {"counted": False}
    proof = found["proof"]
    return {
        "counted": True,
        "choice": found["ballot"]["choice"],
        "digest_scheme": proof["scheme"],
        "leaf_index": proof["leaf_index"],
        "tree_size": proof["tree_size"],
        "leaf_hash": proof["leaf_hash"],
        "audit_path": proof["audit_path"],
        "path": [list(p) for p in proof["path"]],
        "digest_matches": found["verified"],
    }


@router.get("/{slug}/ballots", response=list[dict], auth=PUBLIC)
def ballots(request, slug: str):
    """The anonymised ballots (receipt, choice) of a published vote."""
    vote = _vote(request, slug)
    if vote.status != VoteStatus.PUBLISHED:
        raise NotFound()
    return services.anonymised_ballots(vote)


def _organiser(request):
    actor = require_scope(request)
    if not permissions.can_run_votes(actor):
        raise NotFound()
    return actor


@router.post("/{slug}/open", response=VoteOut, auth=MEMBER)
def open_vote(request, slug: str):
    return services.vote_open(actor=_organiser(request), vote=_vote(request, slug))


@router.post("/{slug}/close", response=VoteOut, auth=MEMBER)
def close_vote(request, slug: str):
    return services.vote_close(actor=_organiser(request), vote=_vote(request, slug))


@router.post("/{slug}/publish", response=VoteOut, auth=MEMBER)
def publish_vote(request, slug: str):
    return services.vote_publish(actor=_organiser(request), vote=_vote(request, slug))


@router.post("/{slug}/outcome", response=VoteOut, auth=MEMBER)
def outcome(request, slug: str, payload: OutcomeIn):
    return services.outcome_record(
        actor=_organiser(request), vote=_vote(request, slug), **payload.model_dump()
    )
