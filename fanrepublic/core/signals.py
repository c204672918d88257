"""Admin actions into the audit log, and out of the visitors' page cache.

The Django admin writes a LogEntry for every change made through it, to our models and
to third-party ones (groups, email addresses). Mirroring LogEntry here is the one place
that covers them all, so "every staff action is audited" holds for the admin too. This
is an audit bridge, not business logic, which is why it may live in a signal. Deleting
several rows at once writes its entries with bulk_create, which sends no signal: the
admin classes' base (core/admin.py, AuditedModelAdmin) mirrors those. The same
entry tells the visitors' page cache that something visitors may see has changed (a
board archived, a topic hidden in the admin): the services expire it themselves, the
admin does not go through them.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from .cache import anonymous_pages_expire
from .models import AuditEntry

ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def mirror_admin_entries(entries) -> None:
    """Copy admin log entries into the audit log and expire the visitors' pages."""
    for entry in entries:
        content_type = entry.content_type
        AuditEntry.objects.create(
            actor_id=entry.user_id,
            action=ACTIONS.get(entry.action_flag, "admin.action"),
            target_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
            target_id=str(entry.object_id or ""),
            target_repr=(entry.object_repr or "")[:200],
            reason=entry.get_change_message(),
        )
    anonymous_pages_expire()


@receiver(post_save, sender=LogEntry, dispatch_uid="audit-admin-log-entry")
def mirror_admin_action(sender, instance: LogEntry, created: bool, **kwargs):
    if created:
        mirror_admin_entries([instance])
