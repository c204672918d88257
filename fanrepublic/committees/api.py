from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from fanrepublic.core.api import Id
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import permissions, selectors, services

router = Router(tags=["committees"])


class SeatOut(Schema):
    member: str = Field(..., alias="member.username")
    starts_on: date
    ends_on: date
    filled_vacancy: bool


class CommitteeOut(Schema):
    slug: str
    product: str = Field(..., alias="product_line.slug")
    name: str
    name_zh: str
    seats: int
    term_months: int
    term_limit: int
    members: list[SeatOut]

    @staticmethod
    def resolve_members(obj):
        return list(selectors.current_seats(obj))


class CandidacyIn(Schema):
    statement: str = Field(..., max_length=3000)


class CandidacyOut(Schema):
    id: int
    member: str = Field(..., alias="member.username")
    statement: str
    rank: int | None


class ElectionOut(Schema):
    id: int
    status: str
    seats_to_fill: int
    candidacy_closes_at: datetime
    voting_closes_at: datetime
    vote: str | None = Field(None, alias="vote.slug")
    candidates: list[CandidacyOut]

    @staticmethod
    def resolve_candidates(obj):
        return list(obj.candidacies.filter(withdrawn=False).select_related("member"))


class NeedIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=5000)


class DecisionOut(Schema):
    text: str
    meeting: str = Field(..., alias="meeting.quarter")
    follow_up: str
    release_item_id: int | None
    link: str


class NeedOut(Schema):
    id: int
    title: str
    body: str
    author: str = Field(..., alias="author.username")
    status: str
    support_count: int
    created_at: datetime
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.select_related("meeting"))


def _committee(slug):
    return selectors.committee_get(slug=slug)


def _need(slug, pk):
    need = _committee(slug).product_line.needs.filter(pk=pk).first()
    if need is None:
        raise NotFound()
    return need


@router.get("", response=list[CommitteeOut], auth=PUBLIC)
def list_committees(request):
    return list(selectors.committees_all())


@router.get("/{slug}", response=CommitteeOut, auth=PUBLIC)
def get_committee(request, slug: str):
    return _committee(slug)


@router.get("/{slug}/elections/{election_id}", response=ElectionOut, auth=PUBLIC)
def get_election(request, slug: str, election_id: Id):
    return selectors.election_get(committee=_committee(slug), pk=election_id)


@router.post("/{slug}/elections/{election_id}/candidacies", response={201: CandidacyOut}, auth=MEMBER)
def stand(request, slug: str, election_id: Id, payload: CandidacyIn):
    member = require_scope(request)
    election = selectors.election_get(committee=_committee(slug), pk=election_id)
    return Status(
        201, services.candidacy_submit(member=member, election=election, statement=payload.statement)
    )


@router.get("/{slug}/needs", response=list[NeedOut], auth=PUBLIC)
def list_needs(request, slug: str):
    return list(_committee(slug).product_line.needs.select_related("author")[:200])


@router.post("/{slug}/needs", response={201: NeedOut}, auth=MEMBER)
def raise_need(request, slug: str, payload: NeedIn):
    member = require_scope(request)
    return Status(
        201,
        services.need_raise(
            member=member, product_line=_committee(slug).product_line, title=payload.title, body=payload.body
        ),
    )


@router.get("/{slug}/needs/{need_id}", response=NeedOut, auth=PUBLIC)
def get_need(request, slug: str, need_id: Id):
    return _need(slug, need_id)


@router.put("/{slug}/needs/{need_id}/support", response=dict, auth=MEMBER)
def support(request, slug: str, need_id: Id):
    return {
        "supporters": services.need_support(
            member=require_scope(request), need=_need(slug, need_id), support=True
        )
    }


@router.delete("/{slug}/needs/{need_id}/support", response=dict, auth=MEMBER)
def withdraw_support(request, slug: str, need_id: Id):
    return {
        "supporters": services.need_support(
            member=require_scope(request), need=_need(slug, need_id), support=False
        )
    }


@router.post("/{slug}/needs/{need_id}/shortlist", response=NeedOut, auth=MEMBER)
def shortlist(request, slug: str, need_id: Id):
    """The committee (or an organiser) shortlists a need for the next planning meeting."""
    actor = require_scope(request)
    committee = _committee(slug)
    if not permissions.can_plan_for(actor, committee):
        raise NotFound()
    return services.need_shortlist(actor=actor, need=_need(slug, need_id))
