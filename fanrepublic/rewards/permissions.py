"""Who runs the store: the app's only rulebook. Services, bulk fulfilment, views, the
API and the staff menu all ask here; a staff page a member may not use answers 404."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_fulfil(user) -> bool:
    return user.is_authenticated and user.has_role(
        StaffRole.STORE_MANAGER, StaffRole.OPERATOR, StaffRole.FOUNDER
    )


def can_manage_catalogue(user) -> bool:
    return user.is_authenticated and user.has_role(StaffRole.STORE_MANAGER, StaffRole.FOUNDER)


def access_fulfilment(user) -> None:
    """The fulfilment desk, as missing (404) to anyone who may not fulfil orders."""
    if not can_fulfil(user):
        raise NotFound()


def access_catalogue(user) -> None:
    """The staff catalogue, as missing (404) to anyone who may not edit it."""
    if not can_manage_catalogue(user):
        raise NotFound()
