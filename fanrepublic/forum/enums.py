from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TopicKind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback")
    SUGGESTION = "suggestion", _("Suggestion")
    BUG = "bug", _("Bug report")
    DISCUSSION = "discussion", _("Discussion")


# Kinds that wait in the engineer desk for a first staff response.
ANSWERABLE_KINDS = (TopicKind.FEEDBACK, TopicKind.SUGGESTION, TopicKind.BUG)
# Kinds that carry a status workflow and take +1 votes.
TRACKED_KINDS = (TopicKind.SUGGESTION, TopicKind.BUG)


class TopicStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")
    DECLINED = "declined", _("Declined")
    DUPLICATE = "duplicate", _("Duplicate")


# Reaching one of these means the team accepted the suggestion (counts for its author).
ACCEPTED_STATUSES = (TopicStatus.PLANNED, TopicStatus.IN_PROGRESS, TopicStatus.SHIPPED)


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or disrespectful")
    OFF_TOPIC = "off_topic", _("Off topic")
    PRIVATE = "private", _("Exposes private information")
    OTHER = "other", _("Something else")


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("flag status", "Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class TopicSort(models.TextChoices):
    ACTIVE = "active", _("Latest activity")
    NEW = "new", _("Newest")
    TOP = "top", _("Most votes")
