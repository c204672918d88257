from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    SUCCEEDED = "succeeded", _("Goal met")
    FAILED = "failed", _("Goal not met")
    CANCELLED = "cancelled", _("Cancelled")


class BackingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the deposit")
    HELD = "held", _("Deposit held")
    CAPTURED = "captured", _("Deposit captured")
    CANCELLED = "cancelled", _("Cancelled by the backer")
    REFUNDING = "refunding", _("Deposit being refunded")
    REFUNDED = "refunded", _("Deposit refunded")
    LAPSED = "lapsed", _("Not paid")


LIVE = (BackingStatus.PENDING, BackingStatus.HELD)
