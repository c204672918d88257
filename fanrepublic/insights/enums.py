from django.db import models
from django.utils.translation import gettext_lazy as _


class FitStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FitTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    DEMAND = "demand", _("An operator")


class FitFailure(models.TextChoices):
    TOO_FEW = "too_few", _("Too few customers with purchases in the window to fit a model.")
    LOST = "lost", _("The worker running the fit stopped before it finished.")
    CRASHED = "crashed", _("The fit stopped with an error (details below).")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Sent, taking answers")
    CLOSED = "closed", _("Closed")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Every member")
    CO_CREATORS = "co_creators", _("Co-creators")
    OTHERS = "others", _("Members who are not co-creators")
    CUSTOMERS = "customers", _("Members who bought in the last year")
