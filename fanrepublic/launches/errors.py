from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import DomainError


class HallUnavailable(DomainError):
    """The hall's answer queue (Redis) cannot be reached: nothing was stored by another
    path, and the member or host is asked to try again (503)."""

    code = "hall_unavailable"
    status = 503
    default_message = _("The hall cannot take answers right now. Please try again in a moment.")
