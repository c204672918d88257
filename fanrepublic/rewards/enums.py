from django.db import models
from django.utils.translation import gettext_lazy as _


class RewardKind(models.TextChoices):
    PRODUCT = "product", _("Product (shipped)")
    VOUCHER = "voucher", _("Voucher (code)")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (OrderStatus.PLACED,)
COUNTED_STATUSES = (OrderStatus.PLACED, OrderStatus.FULFILLED)  # towards per-member limits
