"""Who counts as a co-creator: the kinds of contribution an operator may choose (the
co-creator report says which it used). Each reads its own app's rows; a member counts
once, whatever they did."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fanrepublic.betas.enums import ApplicationStatus
from fanrepublic.betas.models import Application
from fanrepublic.bounty.enums import ReportStatus
from fanrepublic.bounty.models import BountyReport
from fanrepublic.committees.models import Seat
from fanrepublic.releases.enums import ReleaseStatus
from fanrepublic.releases.models import ReleaseItem

SHIPPED = "shipped"
BETA = "beta"
BUG = "bug"
COMMITTEE = "committee"

KINDS = {
    SHIPPED: _("A contribution shipped in a published release"),
    BETA: _("A seat in a closed beta"),
    BUG: _("A valid bug report"),
    COMMITTEE: _("A committee seat"),
}


def _members_of(kind: str) -> set[int]:
    if kind == SHIPPED:
        rows = ReleaseItem.objects.filter(
            user_contributed=True, contributor__isnull=False, release__status=ReleaseStatus.PUBLISHED
        ).values_list("contributor_id", flat=True)
    elif kind == BETA:
        rows = Application.objects.filter(status=ApplicationStatus.SELECTED).values_list(
            "member_id", flat=True
        )
    elif kind == BUG:
        rows = BountyReport.objects.filter(
            Q(status=ReportStatus.VALID) | Q(status=ReportStatus.FIXED)
        ).values_list("reporter_id", flat=True)
    elif kind == COMMITTEE:
        rows = Seat.objects.values_list("member_id", flat=True)
    else:
        raise ValueError(f"unknown kind of co-creation {kind!r}")
    return set(rows)


def cocreator_ids(kinds=tuple(KINDS)) -> set[int]:
    found: set[int] = set()
    for kind in kinds:
        found |= _members_of(kind)
    return found
