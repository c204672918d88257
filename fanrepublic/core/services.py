from django.db import models

from .models import AuditEntry


def audit_record(
    *, actor, action: str, target: models.Model, reason: str = "", data: dict | None = None
) -> AuditEntry:
    """Write one audit entry inside the caller's transaction, so the action and its
    record commit or roll back together."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        reason=reason,
        data=data or {},
    )


def model_update(*, instance: models.Model, fields: list[str], data: dict) -> list[str]:
    """Set only the allowed fields that actually change; return their names."""
    changed = []
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.append(field)
    if changed:
        instance.full_clean(exclude=[f.name for f in instance._meta.fields if f.name not in changed])
        update_fields = changed
        if any(f.name == "updated_at" for f in instance._meta.fields):
            update_fields = [*changed, "updated_at"]
        instance.save(update_fields=update_fields)
    return changed
