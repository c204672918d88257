"""Who may do what with chain sign-ups: the app's only rulebook.

- Operators and the founder start chains on any board (or none), moderate every chain
  (hide a chain or a line, with a reason) and export any.
- A member starts a chain on a board whose chain rule lets members, from its trust level;
  they run their own chain: close it, export it.
- Any member who is not suspended adds one line to an open chain and edits or withdraws
  it while the chain is open. Everyone, visitors included, reads open and closed chains.
A hidden chain is, to anyone but its starter and the moderators, missing (404)."""

from django.utils import timezone

from fanrepublic.core.errors import NotFound
from fanrepublic.members.permissions import can_moderate

from .enums import ChainStatus


def _member(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_suspended)


def can_start(user, board=None) -> bool:
    if not _member(user):
        return False
    if board is not None and board.is_archived:
        return False  # nobody starts anything on an archived board
    if can_moderate(user):
        return True
    rule = getattr(board, "chain_rule", None) if board is not None else None
    return bool(rule and rule.members_may_start and user.trust_level >= rule.min_trust_level)


def can_start_anywhere(user) -> bool:
    """Whether the "start a chain" button is worth showing at all."""
    if not _member(user):
        return False
    if can_moderate(user):
        return True
    from .models import BoardRule

    return BoardRule.objects.filter(
        members_may_start=True, min_trust_level__lte=user.trust_level, board__is_archived=False
    ).exists()


def can_see(user, chain) -> bool:
    if chain.status != ChainStatus.HIDDEN:
        return True
    return bool(user and user.is_authenticated and (can_moderate(user) or chain.started_by_id == user.pk))


def access_chain(user, chain) -> None:
    if not can_see(user, chain):
        raise NotFound()


def is_open(chain) -> bool:
    return chain.status == ChainStatus.OPEN and (chain.closes_at is None or chain.closes_at > timezone.now())


def can_sign(user, chain) -> bool:
    return _member(user) and is_open(chain)


def can_run(user, chain) -> bool:
    """Close the chain and export its lines: its starter and the moderators."""
    return _member(user) and (can_moderate(user) or chain.started_by_id == user.pk)


def can_moderate_chains(user) -> bool:
    return bool(user and user.is_authenticated and can_moderate(user))
