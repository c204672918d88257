from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """Where a case stands. The steps after the jury is seated (deliberation, verdict,
    execution, appeal) come with their own statuses as they are built."""

    FILED = "filed", _("Filed, waiting for admission")
    INADMISSIBLE = "inadmissible", _("Not admitted")
    ADMITTED = "admitted", _("Admitted")
    DRAWN = "drawn", _("Jury drawn, jurors answering")
    SEATED = "seated", _("Jury seated")


class Ground(models.TextChoices):
    """Why legal staff do not admit a case (shown to the claimant with their words)."""

    OUT_OF_SCOPE = "out_of_scope", _("Out of the court's scope")
    DUPLICATE = "duplicate", _("The same matter as another case")
    NEEDS_INFORMATION = "needs_information", _("Needs more information")


class JurorKind(models.TextChoices):
    FAN = "fan", _("Senior fan")
    LEGAL = "legal", _("Legal staff")


class JurorState(models.TextChoices):
    RESERVE = "reserve", _("In reserve")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Did not answer in time")


# Jurors who answered "yes", or may still: a seat is theirs.
HOLDING = (JurorState.INVITED, JurorState.ACCEPTED)
