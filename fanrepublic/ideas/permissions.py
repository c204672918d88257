"""The app's only rulebook: who proposes, supports, comments, reviews and decides.

- Members propose, support (once, not their own), comment; a suspended member does none.
- The author edits their proposal while it is open and withdraws it while it gathers
  support; their comments are updates.
- Reviewers record a recommendation on a proposal in review: engineers, product staff
  (operators, the founder) and the current committee members of the proposal's product
  line. Product staff make the decision.
- A withdrawn proposal is its author's and the staff's only; anyone else gets 404.
"""

from django.utils import timezone

from fanrepublic.committees.models import Seat
from fanrepublic.members.enums import StaffRole

from .enums import OPEN_STATUSES, ProposalStatus, ReviewerRole


def _member(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_suspended)


def can_propose(user) -> bool:
    return _member(user)


def is_product_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def may_see(user, proposal) -> bool:
    if proposal.status != ProposalStatus.WITHDRAWN:
        return True
    return bool(user and user.is_authenticated and (user.pk == proposal.author_id or is_product_staff(user)))


def can_edit(user, proposal) -> bool:
    if proposal.status not in OPEN_STATUSES or not _member(user):
        return False
    return user.pk == proposal.author_id or is_product_staff(user)


def can_withdraw(user, proposal) -> bool:
    return proposal.status == ProposalStatus.SUPPORTING and _member(user) and user.pk == proposal.author_id


def support_problem(user, proposal, *, now=None) -> str | None:
    """Why `user` may not support `proposal` (None: they may). Translated by the caller."""
    if not _member(user):
        return "member"
    if user.pk == proposal.author_id:
        return "own"
    if proposal.status != ProposalStatus.SUPPORTING or proposal.expires_at <= (now or timezone.now()):
        return "closed"
    return None


def can_comment(user, proposal) -> bool:
    return _member(user) and proposal.status != ProposalStatus.WITHDRAWN


def reviews_as_staff(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.has_role(StaffRole.ENGINEER, StaffRole.OPERATOR, StaffRole.FOUNDER)
    )


def committee_line_ids(user) -> set[int]:
    """The product lines whose committee `user` sits on today."""
    if not (user and user.is_authenticated):
        return set()
    today = timezone.localdate()
    return set(
        Seat.objects.filter(
            member_id=user.pk, left_on__isnull=True, starts_on__lte=today, ends_on__gte=today
        ).values_list("committee__product_line_id", flat=True)
    )


def reviewer_role(user, proposal) -> str | None:
    """As what `user` reviews `proposal`, if they may: staff first, then a committee seat.
    Never its own author."""
    if not (user and user.is_authenticated) or user.pk == proposal.author_id:
        return None
    if user.has_role(StaffRole.ENGINEER):
        return ReviewerRole.ENGINEER
    if is_product_staff(user):
        return ReviewerRole.PRODUCT
    return ReviewerRole.COMMITTEE if proposal.product_line_id in committee_line_ids(user) else None


def can_review_any(user) -> bool:
    """Whether the review queue is for `user` at all (staff, or anyone on a committee)."""
    return reviews_as_staff(user) or bool(committee_line_ids(user))


def can_decide(user, proposal=None) -> bool:
    """Product staff decide ideas and offer agreements — never on an idea of their own."""
    if proposal is not None and user is not None and user.pk == proposal.author_id:
        return False
    return is_product_staff(user)
