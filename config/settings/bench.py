"""Benchmarks only (benchmarks/flash_http.py): the production settings with the demo's
offline payment provider, so that a payment provider's network round trip stays out of
what is measured. Production refuses the demo provider (prod.py); nothing deploys this."""

from .prod import *  # noqa: F403

PAYMENTS_PROVIDERS = ["offline"]
