from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import DomainError, Unavailable


class HallUnavailable(Unavailable):
    """The hall's answer queue (Redis) cannot be reached: nothing was stored by another
    path, and the member or host is asked to try again (503 with Retry-After, on pages,
    on the answer path and in the API)."""

    code = "hall_unavailable"
    default_message = _("The hall cannot take answers right now. Please try again in a moment.")


class HallPassInvalid(DomainError):
    """The answer path was called without a valid hall pass for this event (none, forged,
    expired, another event's, or only a session, which that path never reads): 401, as the
    API answers a caller without valid credentials — not 403, which would say the member
    may not answer at all."""

    code = "not_authenticated"
    status = 401
    default_message = _("Your hall pass is not valid; reload the hall.")
