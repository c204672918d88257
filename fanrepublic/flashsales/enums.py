from django.db import models
from django.utils.translation import gettext_lazy as _


class SaleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    CLOSED = "closed", _("Closed")


class UnitState(models.TextChoices):
    FREE = "free", _("In the pool")
    HELD = "held", _("Held for a buyer")
    SOLD = "sold", _("Sold")


class HoldStatus(models.TextChoices):
    HELD = "held", _("Held: waiting for payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired unpaid")
    RELEASED = "released", _("Given back")
