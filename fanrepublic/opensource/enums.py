from django.db import models
from django.utils.translation import gettext_lazy as _


class Host(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITEE = "gitee", "Gitee"


class ContributionKind(models.TextChoices):
    """What a contribution is. Code and reviews come from the hosts' webhooks; the rest
    are entered by the contributor and approved by a maintainer (All Contributors'
    spirit: every kind of work counts)."""

    CODE = "code", _("Code (merged pull request)")
    REVIEW = "review", _("Review")
    DOCS = "docs", _("Documentation")
    TRANSLATION = "translation", _("Translation")
    TESTING = "testing", _("Testing")
    DESIGN = "design", _("Design")


FROM_WEBHOOKS = (ContributionKind.CODE, ContributionKind.REVIEW)
MANUAL_KINDS = (
    ContributionKind.DOCS,
    ContributionKind.TRANSLATION,
    ContributionKind.TESTING,
    ContributionKind.DESIGN,
)


class ContributionState(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    CLOSED = "closed", _("Closed without merging")
    PENDING = "pending", _("Waiting for a maintainer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


# The states that count towards titles and points.
COUNTED_STATES = (ContributionState.MERGED, ContributionState.APPROVED)


class DeliveryOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    IGNORED = "ignored", _("Accepted, nothing to record")
    REFUSED = "refused", _("Refused")


class TitleRank(models.TextChoices):
    """Titles by the contribution record (docs/opensource.md has the bars). The order is
    the ladder, lowest first."""

    CONTRIBUTOR = "contributor", _("Contributor")
    CORE = "core", _("Core contributor")
    ACADEMICIAN = "academician", _("Academician")


RANK_ORDER = [TitleRank.CONTRIBUTOR, TitleRank.CORE, TitleRank.ACADEMICIAN]
