"""Signal handlers of the chains app (connected in apps.py): a chain's counters stay true
when its lines leave without a service — a member's account deleted (the lines
cascade), an admin's delete.

Locks are taken in the services' order, the chain row before its lines: a deletion locks
the chains first (a member's, by id, so two deletions never wait on each other in a
circle), then the lines go, then each chain is counted again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from .models import Chain, Entry


def _origin_is(origin, model) -> bool:
    return isinstance(origin, model) or (isinstance(origin, QuerySet) and origin.model is model)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="chains.member.leaving")
def _member_leaving(sender, instance, **kwargs) -> None:
    chain_ids = set(Entry.objects.filter(member=instance).values_list("chain_id", flat=True))
    if chain_ids:
        list(Chain.objects.select_for_update().filter(pk__in=chain_ids).order_by("pk").values_list("pk"))


@receiver(pre_delete, sender=Entry, dispatch_uid="chains.entry.deleting")
def _entry_deleting(sender, instance: Entry, origin=None, **kwargs) -> None:
    if _origin_is(origin, Chain) or _origin_is(origin, get_user_model()):
        return  # the chain goes too, or the member's deletion locked its chains in order
    list(Chain.objects.select_for_update().filter(pk=instance.chain_id).values_list("pk"))


@receiver(post_delete, sender=Entry, dispatch_uid="chains.entry.deleted")
def _entry_deleted(sender, instance: Entry, origin=None, **kwargs) -> None:
    if _origin_is(origin, Chain):
        return  # the chain goes too: nothing to count
    from .services import chain_recount

    chain_recount(chain_id=instance.chain_id)
