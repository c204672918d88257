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
