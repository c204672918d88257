"""Payments tell the campaigns app about deposits (payments.signals): the payments app
knows nothing of campaigns; this app listens for the payments whose purpose is a backing."""

from django.dispatch import receiver

from fanrepublic.payments.signals import payment_closed, payment_paid, payments_refunded

from . import services

PURPOSE = "campaigns.backing"


@receiver(payment_paid, dispatch_uid="campaigns-deposit-paid")
def on_paid(sender, payment, **kwargs):
    if payment.purpose_type == PURPOSE:
        services.deposit_paid(payment=payment)


@receiver(payment_closed, dispatch_uid="campaigns-deposit-not-paid")
def on_closed(sender, payment, **kwargs):
    if payment.purpose_type == PURPOSE:
        services.deposit_not_paid(payment=payment)


@receiver(payments_refunded, dispatch_uid="campaigns-deposits-refunded")
def on_refunded(sender, refunds, **kwargs):
    deposits = [refund.payment for refund in refunds if refund.payment.purpose_type == PURPOSE]
    if deposits:
        services.deposits_refunded(payments=deposits)
