from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import DomainError


class FlashPassInvalid(DomainError):
    """The reservation path was called without a valid flash pass for this sale (none,
    forged, another sale's or member's, or only a session, which that path never reads):
    401, as the API answers a caller without valid credentials."""

    code = "pass_invalid"
    status = 401
    default_message = _(
        "This flash pass is not valid for this sale: open the sale's page to get yours again."
    )
