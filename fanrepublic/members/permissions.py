from fanrepublic.core import capabilities

from .enums import StaffRole


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.staff_roles))


def can_moderate(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def can_answer_feedback(user) -> bool:
    """Engineers answer the forum; operators and founders may step in."""
    return bool(
        user
        and user.is_authenticated
        and user.has_role(StaffRole.ENGINEER, StaffRole.OPERATOR, StaffRole.FOUNDER)
    )


def can_assign_roles(user) -> bool:
    """Only founders and superusers hand out staff roles."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_role(StaffRole.FOUNDER)))


def can_view_metrics(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def can_create_integration_token(user) -> bool:
    """Operators, founders and store managers connect stores and apps."""
    return bool(
        user
        and user.is_authenticated
        and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER, StaffRole.STORE_MANAGER)
    )


def may_make_token_for(user, integration) -> bool:
    """Operators and founders connect any integration; anyone else (a store manager) only
    one that a capability says they look after — their own store's till, not the online
    shop or another store's point of sale."""
    if user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER):
        return True
    return can_create_integration_token(user) and capabilities.keeps_integration(user, integration)


def needs_second_factor(user) -> bool:
    """Staff accounts — any staff role, the admin's staff flag, superusers — and members
    whom a capability lets see other people's personal data (a store's staff) may act
    only after a second factor (docs/security.md, "Second factor for staff")."""
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser or user.is_staff or user.staff_roles:
        return True
    return capabilities.needs_second_factor_for_access(user)
