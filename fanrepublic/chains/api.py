from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from fanrepublic.core.api import Id, Int
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.forum.models import Board
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import permissions, selectors, services

router = Router(tags=["chains"])


class ChainOut(Schema):
    slug: str
    theme: str
    description: str
    board: str | None = Field(None, alias="board.slug")
    pledge_label: str
    pledge_max: int
    status: str
    closes_at: datetime | None
    entry_count: int
    pledge_total: int
    started_by: str = Field(..., alias="started_by.public_name")
    created_at: datetime


class ChainIn(Schema):
    model_config = ConfigDict(extra="forbid")

    theme: str
    description: str = ""
    board: str | None = None
    pledge_label: str = ""
    pledge_max: Int = 1
    closes_at: datetime | None = None


class ChainEntryOut(Schema):
    number: int
    name: str = Field(..., alias="member.public_name")
    message: str
    pledge: int
    created_at: datetime
    edited_at: datetime | None


class ChainEntryIn(Schema):
    # Every field has a default, so a misspelt key ("mesage") would otherwise make an
    # empty line: unknown keys are refused.
    model_config = ConfigDict(extra="forbid")

    message: str = ""
    pledge: Int = 0


@router.get("", response=list[ChainOut], auth=PUBLIC)
def chains(request):
    """Chain sign-ups: open ones first, newest first (at most 100)."""
    return list(selectors.chains_listed(viewer=request.user)[:100])


@router.post("", response={201: ChainOut}, auth=MEMBER)
def start(request, payload: ChainIn):
    """Start a chain. Operators may start one anywhere; members on a board (`board`: its
    short name) whose chain rule lets members of their trust level."""
    board = None
    if payload.board:
        board = Board.objects.filter(slug=payload.board[:50], is_archived=False).first()
        if board is None:
            raise ValidationFailed(_("No board has this short name."), field="board")
    data = payload.dict(exclude={"board"})
    return Status(201, services.chain_start(actor=require_scope(request), board=board, **data))


@router.get("/{slug}", response=ChainOut, auth=PUBLIC)
def chain(request, slug: str):
    return selectors.chain_get(viewer=request.user, slug=slug)


@router.get("/{slug}/entries", response=list[ChainEntryOut], auth=PUBLIC)
def entries(request, slug: str, after: int = 0, limit: int = 100):
    """The chain's lines in number order, after line `after` (at most 500 at a time):
    a reader catches up with `after` = the last number it has."""
    found = selectors.chain_get(viewer=request.user, slug=slug)
    limit = max(1, min(limit, 500))
    shown = selectors.entries_shown(viewer=request.user, chain=found).filter(number__gt=max(after, 0))
    return list(shown[:limit])


@router.put("/{slug}/entry", response={200: ChainEntryOut, 201: ChainEntryOut}, auth=MEMBER)
def sign(request, slug: str, payload: ChainEntryIn):
    """Add your line (201) or change it (200): one per member per chain."""
    member = require_scope(request)
    found = selectors.chain_get(viewer=member, slug=slug)
    entry, created = services.entry_sign(
        actor=member, chain=found, message=payload.message, pledge=payload.pledge
    )
    return Status(201 if created else 200, entry)


@router.delete("/{slug}/entry", response={204: None}, auth=MEMBER)
def withdraw(request, slug: str):
    member = require_scope(request)
    services.entry_withdraw(actor=member, chain=selectors.chain_get(viewer=member, slug=slug))
    return Status(204, None)


@router.post("/{slug}/close", response=ChainOut, auth=MEMBER)
def close(request, slug: str):
    """Its starter or a moderator closes the chain."""
    member = require_scope(request)
    return services.chain_close(actor=member, chain=selectors.chain_get(viewer=member, slug=slug))


class ReasonIn(Schema):
    reason: str


@router.post("/{slug}/entries/{number}/hide", response=ChainEntryOut, auth=MEMBER)
def hide(request, slug: str, number: Id, payload: ReasonIn):
    """Moderators hide a line, with a reason (it stops counting)."""
    member = require_scope(request)
    found = selectors.chain_get(viewer=member, slug=slug)
    if not permissions.can_moderate_chains(member):
        raise NotFound()
    return services.entry_hide(
        actor=member, entry=selectors.entry_by_number(chain=found, number=number), reason=payload.reason
    )


@router.post("/{slug}/entries/{number}/restore", response=ChainEntryOut, auth=MEMBER)
def restore(request, slug: str, number: Id):
    """Moderators restore a hidden line (it counts again)."""
    member = require_scope(request)
    found = selectors.chain_get(viewer=member, slug=slug)
    if not permissions.can_moderate_chains(member):
        raise NotFound()
    return services.entry_restore(actor=member, entry=selectors.entry_by_number(chain=found, number=number))


@router.post("/{slug}/hide", response=ChainOut, auth=MEMBER)
def hide_chain(request, slug: str, payload: ReasonIn):
    """Moderators hide a whole chain, with a reason (it leaves every list and page)."""
    member = require_scope(request)
    found = selectors.chain_get(viewer=member, slug=slug)
    if not permissions.can_moderate_chains(member):
        raise NotFound()
    return services.chain_hide(actor=member, chain=found, reason=payload.reason)
