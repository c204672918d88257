from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ElectionStatus(models.TextChoices):
    CANDIDACY = "candidacy", _("Taking candidacies")
    VOTING = "voting", _("Voting")
    SEATED = "seated", _("Winners seated")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "Open")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ON_AGENDA = "on_agenda", _("On a meeting agenda")
    DECIDED = "decided", _("Decided")


class FollowUp(models.TextChoices):
    REQUIREMENT = "requirement", _("Became a product requirement")
    RELEASE = "release", _("Shipped in a release")
    PRODUCT = "product", _("Led to a launched product")
    DECLINED = "declined", _("Declined, with reasons")
    PENDING = "pending", _("Follow-up pending")
