"""Who sees and who triages what. Security reports are private to their reporter and the
security triage group until disclosed; other reports are public, as in the community's
developer-edition forum. The conversation between a reporter and triage is theirs
alone, on every report and after disclosure too (as on HackerOne, where the thread stays
private unless both sides choose to publish it): reporters share device details,
contact data and half-confirmed findings there."""

from fanrepublic.members.enums import StaffRole


def can_triage_security(user) -> bool:
    return user.is_authenticated and user.has_role(StaffRole.SECURITY)


def can_triage(user, report=None) -> bool:
    if report is not None and report.is_security:
        return can_triage_security(user)
    return user.is_authenticated and user.has_role(
        StaffRole.ENGINEER, StaffRole.OPERATOR, StaffRole.FOUNDER, StaffRole.SECURITY
    )


def can_see(user, report) -> bool:
    if report.is_public:
        return True
    return user.is_authenticated and (user.pk == report.reporter_id or can_triage_security(user))


def can_read_conversation(user, report) -> bool:
    """The reporter and whoever may triage the report; nobody else, ever."""
    return user.is_authenticated and (user.pk == report.reporter_id or can_triage(user, report))
