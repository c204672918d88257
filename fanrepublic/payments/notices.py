from django.utils.translation import ngettext

REFUND_FAILED = "payments_refund_failed"


def refund_failed_text(params: dict) -> str:
    count = params.get("count", 1)
    return ngettext(
        "%(count)d refund failed at the payment provider (%(refund)s): "
        "send it again from the payments console",
        "%(count)d refunds failed at the payment provider (%(refund)s and others): "
        "send them again from the payments console",
        count,
    ) % {"count": count, "refund": params.get("refund", "")}
