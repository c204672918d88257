from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    """Amounts are stored as integers in minor units: popcorn points are whole points,
    money is counted in fen (0.01 CNY), so sums are exact."""

    POINTS = "PTS", _("Popcorn points")
    CNY = "CNY", _("Chinese yuan")


MINOR_UNITS = {Currency.POINTS: 1, Currency.CNY: 100}


def to_minor(amount, currency: str) -> int:
    value = Decimal(str(amount)) * MINOR_UNITS[Currency(currency)]
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(value)


def from_minor(amount_minor: int, currency: str) -> Decimal | int:
    if currency == Currency.POINTS:
        return amount_minor
    return Decimal(amount_minor) / MINOR_UNITS[Currency(currency)]


class AccountKind(models.TextChoices):
    WALLET = "wallet", _("Member wallet")
    ISSUANCE = "issuance", _("Programme issuance")
    STORE = "store", _("Rewards store")
    EXPIRY = "expiry", _("Expired points")
    ADJUSTMENT = "adjustment", _("Manual adjustments")
    SETTLEMENT = "settlement", _("Settlement")
    # Yuan (fanrepublic.payments): what a payment provider holds for the platform (paid
    # in, less refunds), money held for buyers until it is captured or refunded (a
    # campaign's deposits), and money captured as sales.
    PROVIDER = "provider", _("Payment provider")
    ESCROW = "escrow", _("Held for buyers")
    REVENUE = "revenue", _("Sales revenue")


# System accounts may run negative: issuance is where points come from.
NEGATIVE_ALLOWED = {
    AccountKind.ISSUANCE,
    AccountKind.ADJUSTMENT,
    AccountKind.SETTLEMENT,
    AccountKind.ESCROW,
    AccountKind.REVENUE,
}
