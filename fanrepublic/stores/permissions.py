"""Who may do what with stores and their customers: the app's only rulebook.

- Operators and founders run the store network: open and edit stores, name managers,
  import purchases, and see every customer.
- A store manager runs their own stores; store staff work in the stores they are on.
  Both see the customers their stores know, never another store's.
- Members check in, see what the brand holds about them and link their record.
A refused object answers 404 like a missing one."""

from django.db.models import Q

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_run_network(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def works_in(user, store) -> bool:
    if not (user and user.is_authenticated) or user.is_suspended:
        return False
    if can_run_network(user):
        return True
    if store.manager_id == user.pk and user.has_role(StaffRole.STORE_MANAGER):
        return True
    return store.staff.filter(pk=user.pk).exists()


def works_in_any(user, stores) -> bool:
    """`works_in` for at least one store of the queryset `stores`, in one query."""
    if not (user and user.is_authenticated) or user.is_suspended:
        return False
    if can_run_network(user):
        return True
    mine = Q(staff=user)
    if user.has_role(StaffRole.STORE_MANAGER):
        mine |= Q(manager=user)
    return stores.filter(mine).exists()


def manages(user, store) -> bool:
    """Running the store itself: its QR code, its staff list, its data imports."""
    if can_run_network(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and not user.is_suspended
        and store.manager_id == user.pk
        and user.has_role(StaffRole.STORE_MANAGER)
    )


def can_use_desk(user) -> bool:
    """Whether the store desk (the staff pages) is open to this user at all."""
    if not (user and user.is_authenticated) or user.is_suspended:
        return False
    if can_run_network(user) or user.has_role(StaffRole.STORE_MANAGER):
        return True
    return user.stores_staffed.exists()


def access_desk(user) -> None:
    if not can_use_desk(user):
        raise NotFound()


def access_store_desk(user, store) -> None:
    if not works_in(user, store):
        raise NotFound()


def access_network(user) -> None:
    if not can_run_network(user):
        raise NotFound()


def can_check_in(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_suspended)


def reaches_customers(user) -> bool:
    """Store staff without a staff role read their stores' customers (phones, purchases,
    chat): like staff they act only after a second factor (the capability contract's
    `second_factor_for`). Managers and operators already need one for their role."""
    return user.stores_staffed.filter(is_active=True).exists()


def keeps_integration(user, integration) -> bool:
    """A store manager looks after a till that reports only for stores they run: they may
    make its tokens. The online shop, a till shared with other stores, or a source that
    may name members stay with the operators."""
    if not (user and user.is_authenticated) or user.is_suspended:
        return False
    if not user.has_role(StaffRole.STORE_MANAGER):
        return False
    source = getattr(integration, "sales_source", None) if integration is not None else None
    if source is None or source.all_stores or source.sells_online or source.names_members:
        return False
    managers = set(source.stores.values_list("manager_id", flat=True))
    return managers == {user.pk}
