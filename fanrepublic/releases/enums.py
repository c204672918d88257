from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    STABLE = "stable", _("Stable")
    DEVELOPER = "developer", _("Developer edition")


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PUBLISHED = "published", _("Published")


class ItemKind(models.TextChoices):
    FEATURE = "feature", pgettext_lazy("kind of change", "New")
    IMPROVEMENT = "improvement", pgettext_lazy("kind of change", "Improved")
    FIX = "fix", pgettext_lazy("kind of change", "Fixed")


class ItemSource(models.TextChoices):
    """Where a change came from, for the sources the release train knows itself. Other
    apps register theirs (`releases.sources`: a bounty finding, a beta report).
    Everything but "internal" counts as user-contributed."""

    SUGGESTION = "suggestion", _("Member suggestion")
    BUG_REPORT = "bug_report", _("Member bug report")
    OUTSIDE = "outside", _("Outside contribution")
    INTERNAL = "internal", _("Internal")


# Sources that are forum topics of a given kind.
TOPIC_SOURCES = {ItemSource.SUGGESTION: "suggestion", ItemSource.BUG_REPORT: "bug"}


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
