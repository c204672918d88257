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
