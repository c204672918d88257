from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderCode(models.TextChoices):
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    # The embedded demo's provider: completes payments on a page of its own, moves no
    # money, and production settings refuse to start with it.
    OFFLINE = "offline", _("Demo payments (no real money)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed unpaid")
    FAILED = "failed", _("Could not be started")


class RefundStatus(models.TextChoices):
    # Recorded here; the provider has not yet accepted it (a retry sends it again under
    # the same refund number, which providers treat as the same refund).
    REQUESTED = "requested", _("Requested")
    PROCESSING = "processing", _("Being refunded")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refund failed")


class NoticeOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Already handled")
    FORGED = "forged", _("Forged (bad signature)")
    REPLAYED = "replayed", _("Replayed (outside its time window)")
    MALFORMED = "malformed", _("Malformed")
    UNKNOWN = "unknown", _("For no payment of ours")
    MISMATCH = "mismatch", _("Amount does not match")


class PayoutState(models.TextChoices):
    # Recorded, the money moved out of the wallet into "payouts in transit"; not yet
    # handed to the provider (the task that sends it runs after the commit).
    REQUESTED = "requested", _("Requested")
    # Handed to the provider, or tried: until it says done or failed, it is asked again
    # (and sent again under the same number, which it treats as the same transfer).
    SENT = "sent", _("On its way")
    DONE = "done", _("Paid out")
    FAILED = "failed", _("Failed, returned to the wallet")
