from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import DomainError


class ProviderUnavailable(DomainError):
    code = "provider_unavailable"
    status = 503
    default_message = _("The payment service could not be reached; try again later.")
