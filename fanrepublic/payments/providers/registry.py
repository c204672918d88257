"""Which providers this installation uses (PAYMENTS_PROVIDERS) and their objects."""

from __future__ import annotations

from django.conf import settings

from .base import Provider


def _classes() -> dict[str, type[Provider]]:
    from .alipay import AlipayProvider
    from .offline import OfflineProvider
    from .wechat import WeChatPayProvider

    return {cls.code: cls for cls in (WeChatPayProvider, AlipayProvider, OfflineProvider)}


def enabled_codes() -> list[str]:
    known = _classes()
    return [code for code in settings.PAYMENTS_PROVIDERS if code in known]


def payout_codes() -> list[str]:
    """The providers members may be paid out through: named in PAYOUT_PROVIDERS, taking
    payments here (so production never pays out through the demo's provider, which its
    settings refuse), and with their payout settings in place."""
    known = _classes()
    enabled = set(enabled_codes())
    return [
        code
        for code in settings.PAYOUT_PROVIDERS
        if code in known and code in enabled and known[code].payouts_configured()
    ]


def minimum_transfer_fen(code: str) -> int:
    cls = _classes().get(code)
    return cls.minimum_transfer_fen if cls else 1


def real_money(code: str) -> bool:
    """Whether payments through this provider move real money (without building it)."""
    cls = _classes().get(code)
    return True if cls is None else cls.real_money


def provider(code: str) -> Provider:
    """The provider for `code`: the enabled ones for new payments, and any known one for
    payments it already holds (a provider switched off still answers for its money)."""
    cls = _classes().get(code)
    if cls is None:
        raise LookupError(code)
    return cls()
