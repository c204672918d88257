from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import ProviderCode
from .payout_text import failure_text

REFUND_FAILED = "payments_refund_failed"
PAYOUT = "payments_payout"
PAYEE_CHANGED = "payments_payee_changed"


def refund_failed_text(params: dict) -> str:
    count = params.get("count", 1)
    return ngettext(
        "%(count)d refund failed at the payment provider (%(refund)s): "
        "send it again from the payments console",
        "%(count)d refunds failed at the payment provider (%(refund)s and others): "
        "send them again from the payments console",
        count,
    ) % {"count": count, "refund": params.get("refund", "")}


def _provider(params: dict) -> str:
    code = params.get("provider", "")
    return str(ProviderCode(code).label) if code in ProviderCode.values else code


def payout_text(params: dict) -> str:
    values = {"amount": f"¥{params.get('amount', '')}", "provider": _provider(params)}
    outcome = params.get("outcome")
    if outcome == "done":
        return _("Your payout of %(amount)s to %(provider)s has been paid out.") % values
    if outcome == "confirm":
        return (
            _(
                "Confirm your payout of %(amount)s in WeChat: open the payout's page in WeChat and "
                "confirm receipt (within 24 hours, or it returns to your wallet)."
            )
            % values
        )
    return _("Your payout of %(amount)s to %(provider)s failed: %(reason)s") % {
        **values,
        "reason": failure_text(params.get("reason", "")),
    }


def payee_changed_text(params: dict) -> str:
    values = {"provider": _provider(params), "account": params.get("account", "")}
    if params.get("change") == "removed":
        return _("Your %(provider)s payout account %(account)s was removed.") % values
    return (
        _(
            "Your %(provider)s payout account is now %(account)s; payouts to it start in a day. If you "
            "did not do this, remove it at once and change your password."
        )
        % values
    )
