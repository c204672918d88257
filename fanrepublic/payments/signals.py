"""What a payment's purpose learns (the app that started it connects and checks
`payment.purpose_type`). Sent inside the transaction that changed the payment, so the
purpose's own change commits or rolls back with it.

- payment_paid(payment, late): the money arrived (late=True: after the payment had been
  closed here — the purpose usually refunds it);
- payment_closed(payment): it will not be paid;
- payments_refunded(refunds): refunds completed, one or many at once (each refund's
  `payment` is loaded and locked).
"""

from django.dispatch import Signal

payment_paid = Signal()
payment_closed = Signal()
payments_refunded = Signal()
