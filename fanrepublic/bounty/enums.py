from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ReportStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("bug report status", "New")
    NEEDS_INFO = "needs_info", _("Needs info")
    VALID = "valid", _("Valid")
    DUPLICATE = "duplicate", pgettext_lazy("bug report status", "Duplicate")
    INVALID = "invalid", _("Invalid")
    WONT_FIX = "wont_fix", _("Won't fix")
    FIXED = "fixed", _("Fixed")


# Where triage may move a report. A valid report is paid once, on reaching "valid";
# nothing after that takes the reward back (as on HackerOne, a valid finding is paid
# whether or not it gets fixed).
TRANSITIONS = {
    ReportStatus.NEW: {
        ReportStatus.NEEDS_INFO,
        ReportStatus.VALID,
        ReportStatus.DUPLICATE,
        ReportStatus.INVALID,
        ReportStatus.WONT_FIX,
    },
    ReportStatus.NEEDS_INFO: {
        ReportStatus.VALID,
        ReportStatus.DUPLICATE,
        ReportStatus.INVALID,
        ReportStatus.WONT_FIX,
    },
    ReportStatus.VALID: {ReportStatus.FIXED, ReportStatus.WONT_FIX},
    ReportStatus.INVALID: {ReportStatus.NEW},
    ReportStatus.DUPLICATE: {ReportStatus.NEW},
    ReportStatus.WONT_FIX: set(),
    ReportStatus.FIXED: set(),
}
PAID_STATUSES = (ReportStatus.VALID, ReportStatus.FIXED, ReportStatus.WONT_FIX)
JUDGED_VALID = (ReportStatus.VALID, ReportStatus.FIXED)
