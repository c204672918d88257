"""Payments tell flash sales about the payment of a hold (payments.signals)."""

from django.dispatch import receiver

from fanrepublic.payments.signals import payment_closed, payment_paid

from . import services

PURPOSE = "flashsales.hold"


@receiver(payment_paid, dispatch_uid="flashsales-hold-paid")
def on_paid(sender, payment, **kwargs):
    if payment.purpose_type == PURPOSE:
        services.hold_paid(payment=payment)


@receiver(payment_closed, dispatch_uid="flashsales-hold-not-paid")
def on_closed(sender, payment, **kwargs):
    if payment.purpose_type == PURPOSE:
        services.hold_not_paid(payment=payment)
