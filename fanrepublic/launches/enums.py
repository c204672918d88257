from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Not asked yet")
    OPEN = "open", pgettext_lazy("live question", "Open")
    CLOSED = "closed", pgettext_lazy("live question", "Closed")


class AvatarShape(models.TextChoices):
    ROUND = "round", _("Round")
    SQUARE = "square", _("Square")
    HEXAGON = "hexagon", _("Hexagon")
    DROP = "drop", _("Drop")


class AvatarEyes(models.TextChoices):
    DOTS = "dots", _("Dots")
    SMILE = "smile", _("Smiling")
    WINK = "wink", _("Winking")
    WIDE = "wide", _("Wide open")


class AvatarAccessory(models.TextChoices):
    NONE = "none", pgettext_lazy("avatar accessory", "None")
    CAP = "cap", _("Cap")
    GLASSES = "glasses", _("Glasses")
    HEADPHONES = "headphones", _("Headphones")
    CROWN = "crown", _("Crown")
