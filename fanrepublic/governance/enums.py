from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Method(models.TextChoices):
    SINGLE = "single", _("Single choice")
    APPROVAL = "approval", _("Approval (any number of options)")
    IRV = "irv", _("Ranked choice, one winner (instant runoff)")
    STV = "stv", _("Ranked choice, several seats (single transferable vote)")


RANKED = (Method.IRV, Method.STV)


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("vote status", "Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Results published")
