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


def needs_second_factor(user) -> bool:
    """Staff accounts — any staff role, the admin's staff flag, superusers — may act only
    after a second factor (docs/security.md, "Second factor for staff")."""
    return bool(
        user and user.is_authenticated and (user.is_superuser or user.is_staff or bool(user.staff_roles))
    )
