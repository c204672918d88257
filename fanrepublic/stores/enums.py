from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitSource(models.TextChoices):
    QR = "qr", _("Scanned the store's QR code")
    STAFF = "staff", _("Recorded by staff")


class OrderKind(models.TextChoices):
    SALE = "sale", _("Sale")
    REFUND = "refund", _("Refund")


class SalesChannel(models.TextChoices):
    STORE = "store", _("In a store")
    ONLINE = "online", _("Online shop")


class ContactOrigin(models.TextChoices):
    STAFF = "staff", _("Added by store staff")
    PURCHASE = "purchase", _("From a purchase")
    WECOM = "wecom", _("From WeCom")
    VISIT = "visit", _("From a store visit")
