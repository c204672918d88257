from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(*, action: str = "", actor_username: str = "") -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if action:
        qs = qs.filter(action=action)
    if actor_username:
        qs = qs.filter(actor__username=actor_username)
    return qs
