from django.db import models
from django.utils.translation import gettext_lazy as _


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    BOUGHT = "bought", _("Bought")
    RESOLVED = "resolved", _("Resolved")
    LOST = "lost", _("Lost")


class EntryKind(models.TextChoices):
    REPLY = "reply", _("Reply to the customer")
    NOTE = "note", _("Internal note")
    CUSTOMER = "customer", _("From the customer")
    HANDOVER = "handover", _("Handed over")
    SYSTEM = "system", _("System")


NOTICE = "trust"  # the notification kind of service conversations and rules
