"""Who may see and do what with chat groups, temperatures, rules and service cases: the
app's only rulebook.

- The network's operators and founders write rules and temperature settings and see
  every store's console, customers and cases.
- A store manager sees the groups they own and the customers and cases of the stores
  they run; store staff those of the stores they work in — never another store's.
- A member sees their own service cases and writes in them.
A refused object answers 404 like a missing one."""

from fanrepublic.core.errors import NotFound
from fanrepublic.stores import permissions as stores

can_run_network = stores.can_run_network


def can_use_console(user) -> bool:
    return stores.can_use_desk(user)


def access_console(user) -> None:
    if not can_use_console(user):
        raise NotFound()


def access_network(user) -> None:
    if not can_run_network(user):
        raise NotFound()


def can_work_case(user, case) -> bool:
    """Staff who may answer, note, hand over and close a case."""
    if can_run_network(user):
        return True
    if not (user and user.is_authenticated) or user.is_suspended:
        return False
    if case.store is not None:
        # Whoever works in the case's store, and only while they do: a manager moved to
        # another store (or staff taken off it) keeps no access through an old assignment.
        return stores.works_in(user, case.store)
    return case.assignee_id == user.pk


def is_case_customer(user, case) -> bool:
    return bool(user and user.is_authenticated and case.contact.member_id == user.pk)


def can_see_group(user, group) -> bool:
    if can_run_network(user):
        return True
    if not (user and user.is_authenticated) or user.is_suspended:
        return False
    if group.owner_id == user.pk:
        return True
    return group.store is not None and stores.works_in(user, group.store)
