from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import Conflict, ValidationFailed


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    default_message = _("Not enough points for this.")


class UnbalancedTransaction(ValidationFailed):
    code = "unbalanced"
    default_message = _("A ledger transaction must balance in every currency.")
