"""Who does what in the open-source programme.

- Members link their git accounts, accept the contributor licence agreement and submit
  non-code contributions for approval; a suspended member does none of it.
- Programme staff (engineers and the founder) open repositories, publish the agreement,
  and maintain every repository; a repository's maintainers approve its non-code
  contributions (never their own) and may revoke titles with a reason.
- The hosts' webhooks are trusted by their signature only (services.delivery_receive).
"""

from fanrepublic.members.enums import StaffRole

from .models import Repository


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_suspended)


def is_programme_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.ENGINEER, StaffRole.FOUNDER))


def can_maintain(user, repository) -> bool:
    if is_programme_staff(user):
        return True
    return bool(is_member(user) and repository.maintainers.filter(pk=user.pk).exists())


def maintains_any(user) -> bool:
    if is_programme_staff(user):
        return True
    return bool(is_member(user) and Repository.objects.filter(maintainers=user).exists())


def is_outside_contributor(user) -> bool:
    """Academician titles are for contributors from outside: staff work there anyway."""
    return not user.has_role(*StaffRole.values)
