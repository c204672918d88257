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


def can_view_metrics(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))
