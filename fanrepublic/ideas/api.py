from datetime import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status

from fanrepublic.core.api import Id
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import selectors, services

router = Router(tags=["ideas"])


class ProposalOut(Schema):
    id: int
    title: str
    title_translated: str
    language: str
    product_line: str = Field(..., alias="product_line.slug")
    target_price: Decimal = Field(..., description="Yuan, a decimal string.")
    status: str
    support_count: int
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    decision_reason: str


@router.get("", response=list[ProposalOut], auth=PUBLIC)
def proposals(request, status: str = "", sort: str = "support"):
    """Ideas, most supported first (`sort`: support, new, ending); withdrawn ones only
    your own."""
    return list(selectors.proposals_list(viewer=request.user, status=status[:20], sort=sort[:10])[:100])


@router.get("/{pk}", response=ProposalOut, auth=PUBLIC)
def proposal(request, pk: Id):
    return selectors.proposal_get(viewer=request.user, pk=pk)


@router.post("/{pk}/support", response={201: ProposalOut}, auth=MEMBER)
def support(request, pk: Id):
    """Support an idea, once: 201 with its new count; 409 `conflict` if you already
    support it, it is your own, or it no longer gathers support."""
    member = require_scope(request)
    found = selectors.proposal_get(viewer=member, pk=pk)
    return Status(201, services.proposal_support(member=member, proposal=found))
