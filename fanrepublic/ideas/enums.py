from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    SUPPORTING = "supporting", _("Gathering support")
    IN_REVIEW = "in_review", _("In review")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Not adopted")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (ProposalStatus.SUPPORTING, ProposalStatus.IN_REVIEW)
DECIDED_STATUSES = (ProposalStatus.ADOPTED, ProposalStatus.DECLINED)


class ProposalLanguage(models.TextChoices):
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")


class RoundStatus(models.TextChoices):
    REVIEWING = "reviewing", _("Reviewing")
    CLOSED = "closed", _("Closed")


class ReviewerRole(models.TextChoices):
    ENGINEER = "engineer", _("Engineer")
    PRODUCT = "product", _("Product staff")
    COMMITTEE = "committee", _("Committee member")


class Decision(models.TextChoices):
    ADOPT = "adopt", _("Adopt")
    DECLINE = "decline", _("Decline")
