from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionStatus(models.TextChoices):
    CANDIDACY = "candidacy", _("Taking candidacies")
    VOTING = "voting", _("Voting")
    SEATED = "seated", _("Winners seated")
