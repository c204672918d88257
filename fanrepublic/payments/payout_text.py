"""What members read about their payouts: an account shown without giving it away, and
a provider's reason for a failed transfer in words (the provider's code is kept on the
payout; its meaning is said here, in the reader's language)."""

from django.utils.translation import gettext as _

# The providers' reason codes for a transfer that failed, grouped by what the member can
# do about it. WeChat Pay: the transfer bill's fail_reason (or CANCELLED when the member
# did not confirm receipt in time); Alipay: the sub_code of a refused transfer or the
# error_code of a failed one.
_REASONS = {
    "not_confirmed": {"CANCELLED", "OVERDUE_CLOSE"},
    "name": {
        "NAME_NOT_CORRECT",
        "REAL_NAME_CHECK_FAIL",
        "ID_CARD_NOT_CORRECT",
        "PAYEE_USER_INFO_ERROR",
        "PAYEE_NOT_RELNAME_CERTIFY",
        "PAYEE_CERT_INFO_ERROR",
    },
    "account": {
        "OPENID_INVALID",
        "ACCOUNT_NOT_EXIST",
        "ACCOUNT_FROZEN",
        "PAYEE_NOT_EXIST",
        "PAYEE_ACCOUNT_STATUS_ERROR",
        "PAYEE_USERINFO_STATUS_ERROR",
        "PAYEE_ACC_OCUPIED",
        "CARD_INFO_ERROR",
    },
    "limit": {
        "TRANSFER_QUOTA_EXCEED",
        "DAY_RECEIVED_QUOTA_EXCEED",
        "MONTH_RECEIVED_QUOTA_EXCEED",
        "DAY_RECEIVED_COUNT_EXCEED",
        "PAYEE_TRUSTEESHIP_ACC_OVER_LIMIT",
        "EXCEED_LIMIT_PERSONAL_SM_AMOUNT",
        "EXCEED_LIMIT_UNRN_DM_AMOUNT",
    },
    "risk": {"TRANSFER_RISK", "PERMIT_CHECK_PERM_IDENTITY_THEFT", "PRODUCT_AUTH_CHECK_FAIL"},
    "returned": {"RETURNED_BY_STAFF"},
}
_GROUP = {code: group for group, codes in _REASONS.items() for code in codes}


def failure_group(code: str) -> str:
    return _GROUP.get(code, "other")


def failure_text(code: str) -> str:
    """The reason a payout failed, for the member (the money is back in the wallet)."""
    group = failure_group(code)
    if group == "not_confirmed":
        return _("The transfer was not confirmed in WeChat in time. The money is back in your wallet.")
    if group == "name":
        return _(
            "The real name does not match the account. The money is back in your wallet: check the "
            "name on your payout account and ask again."
        )
    if group == "account":
        return _(
            "The account cannot receive this transfer (not found, closed or frozen). The money is "
            "back in your wallet: check your payout account and ask again."
        )
    if group == "limit":
        return _(
            "The account has reached its limit for receiving money. The money is back in your "
            "wallet: ask again later, or for less."
        )
    if group == "risk":
        return _(
            "The payment service declined this transfer after its own security checks. The money is "
            "back in your wallet; contact us if it happens again."
        )
    if group == "returned":
        return _(
            "The payment service never took this transfer, so our staff returned the money to your wallet."
        )
    return _("The payment service refused the transfer (%(code)s). The money is back in your wallet.") % {
        "code": code or "?"
    }


def mask_identifier(provider: str, identifier: str) -> str:
    """An account as pages, emails and notifications show it: enough for its owner to
    recognise, too little for anyone else to use (a notification may reach an inbox
    that someone else reads)."""
    if not identifier:
        return ""
    if "@" in identifier:
        name, _at, domain = identifier.partition("@")
        return f"{name[:1]}***@{domain}"
    if identifier.isdigit() and len(identifier) >= 7:
        return f"{identifier[:3]}****{identifier[-4:]}"
    if len(identifier) > 8:
        return f"{identifier[:4]}…{identifier[-4:]}"
    return identifier[:2] + "***"
