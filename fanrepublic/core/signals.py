"""Admin actions into the audit log, and out of the visitors' page cache.

The Django admin writes a LogEntry for every change made through it, to our models and
to third-party ones (groups, email addresses). Mirroring LogEntry here is the one place
that covers them all, so "every staff action is audited" holds for the admin too. This
is an audit bridge, not business logic, which is why it may live in a signal. The same
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


@receiver(post_save, sender=LogEntry, dispatch_uid="audit-admin-log-entry")
def mirror_admin_action(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    content_type = instance.content_type
    AuditEntry.objects.create(
        actor_id=instance.user_id,
        action=ACTIONS.get(instance.action_flag, "admin.action"),
        target_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        target_id=str(instance.object_id or ""),
        target_repr=(instance.object_repr or "")[:200],
        reason=instance.get_change_message(),
    )
    anonymous_pages_expire()
