from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Taking applications")
    SELECTED = "selected", _("Testers selected")
    FINISHED = "finished", _("Finished")


class RankBy(models.TextChoices):
    """How the ranked share of the seats is filled before the random draw."""

    CONTRIBUTION = "contribution", _("Contribution score")
    TRUST = "trust", _("Trust level, then contribution score")
    TENURE = "tenure", _("Longest membership")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", pgettext_lazy("beta application", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SelectedBy(models.TextChoices):
    RANK = "rank", _("Ranking")
    DRAW = "draw", _("Random draw")
    STAFF = "staff", _("Staff decision")
    WAITLIST = "waitlist", _("Moved up from the waitlist")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("One of a list")
    YES_NO = "yes_no", _("Yes or no")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
