from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.core.bulk import bulk_insert
from fanrepublic.core.capabilities import notice_kinds
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.core.tasks import enqueue_on_commit

from .enums import kinds
from .models import Notification, NotificationPreference


def _email_default(kind: str) -> bool:
    declared = notice_kinds().get(kind)
    return declared.email_default if declared else False


def _channels(kind: str, pref) -> tuple[bool, bool]:
    """(on the site, by email) for one member: their stored choice, the kind's default
    when they made none, both always for a mandatory kind."""
    declared = notice_kinds().get(kind)
    if declared is not None and declared.mandatory:
        return True, True
    if pref is None:
        return True, _email_default(kind)
    return pref.in_app, pref.email


def preferences_for(*, member) -> dict[str, dict[str, bool]]:
    stored = {p.kind: p for p in NotificationPreference.objects.filter(member=member)}
    result = {}
    for kind in kinds():
        in_app, email = _channels(kind.code, stored.get(kind.code))
        result[kind.code] = {"in_app": in_app, "email": email}
    return result


@transaction.atomic
def preferences_update(*, member, choices: dict[str, dict[str, bool]]) -> None:
    for kind, values in choices.items():
        if kind not in notice_kinds():
            raise ValidationFailed(_("Unknown notification kind."), field="kind")
        if notice_kinds()[kind].mandatory:
            continue  # security alerts cannot be turned off
        NotificationPreference.objects.update_or_create(
            member=member,
            kind=kind,
            defaults={"in_app": bool(values.get("in_app")), "email": bool(values.get("email"))},
        )


def notify(*, recipient_ids, kind: str, actor, url: str, params: dict, dedupe_key: str) -> list[Notification]:
    """Notify members once per dedupe key, respecting their preferences. The actor is
    not notified of their own action — except of a mandatory kind (a security alert
    reaches the account whoever acted in it). Emails go out from a task after commit.
    `kind` is one an app declared (capability.py `notice_kinds`)."""
    if kind not in notice_kinds():
        raise ValueError(f"the notification kind {kind!r} is not declared in any app's capability.py")
    ids = {int(i) for i in recipient_ids if i is not None}
    if actor is not None and not notice_kinds()[kind].mandatory:
        ids.discard(actor.pk)
    if not ids:
        return []
    prefs = {p.member_id: p for p in NotificationPreference.objects.filter(member_id__in=ids, kind=kind)}
    now = timezone.now()
    rows = []
    for member_id in sorted(ids):
        in_app, email = _channels(kind, prefs.get(member_id))
        if not (in_app or email):
            continue
        rows.append(
            Notification(
                recipient_id=member_id,
                kind=kind,
                actor=actor,
                url=url,
                params=params,
                dedupe_key=dedupe_key,
                read_at=None if in_app else now,
            )
        )
        rows[-1]._wants_email = email
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(
                recipient_id__in=[r.recipient_id for r in rows], dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        fresh = [r for r in rows if r.recipient_id not in existing]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        created = {
            n.recipient_id: n.pk
            for n in Notification.objects.filter(
                recipient_id__in=[r.recipient_id for r in fresh], dedupe_key=dedupe_key
            )
        }
        from .tasks import EMAIL_BATCH, send_notification_emails

        emails = []
        for row in fresh:
            row.pk = created.get(row.recipient_id)
            if row.pk and row._wants_email:
                emails.append(row.pk)
        for start in range(0, len(emails), EMAIL_BATCH):
            enqueue_on_commit(send_notification_emails, emails[start : start + EMAIL_BATCH])
    return fresh


@dataclass(frozen=True)
class Notice:
    """One member's notification of a batch for `notify_many`."""

    recipient_id: int
    url: str
    params: dict
    dedupe_key: str


def notify_many(*, kind: str, notices: list[Notice]) -> int:
    """Many one-recipient notifications of one kind at once (a month's royalty statements
    to thousands of authors): preferences read once, rows inserted in bulk, each stored
    once per (recipient, dedupe key) as `notify` stores them. Returns how many are new."""
    if kind not in notice_kinds():
        raise ValueError(f"the notification kind {kind!r} is not declared in any app's capability.py")
    if not notices:
        return 0
    recipients = sorted({n.recipient_id for n in notices})
    prefs = {}
    for start in range(0, len(recipients), 5000):
        chunk = recipients[start : start + 5000]
        prefs.update(
            (p.member_id, p) for p in NotificationPreference.objects.filter(member_id__in=chunk, kind=kind)
        )
    now = timezone.now()
    rows = []
    for notice in notices:
        in_app, email = _channels(kind, prefs.get(notice.recipient_id))
        if not (in_app or email):
            continue
        rows.append(
            {
                "recipient_id": notice.recipient_id,
                "kind": kind,
                "actor_id": None,
                "url": notice.url,
                "params": notice.params,
                "dedupe_key": notice.dedupe_key,
                "read_at": None if in_app else now,
                "wants_email": email,
            }
        )
    with transaction.atomic():
        existing = set()
        keys = sorted({row["dedupe_key"] for row in rows})
        for start in range(0, len(keys), 5000):
            existing.update(
                Notification.objects.filter(dedupe_key__in=keys[start : start + 5000]).values_list(
                    "recipient_id", "dedupe_key"
                )
            )
        fresh = [row for row in rows if (row["recipient_id"], row["dedupe_key"]) not in existing]
        wants_email = {(row["recipient_id"], row["dedupe_key"]) for row in fresh if row.pop("wants_email")}
        bulk_insert(Notification, fresh, ignore_conflicts=True)
        if wants_email:
            from .tasks import EMAIL_BATCH, send_notification_emails

            emails = []
            fresh_keys = sorted({key for _recipient, key in wants_email})
            for start in range(0, len(fresh_keys), 5000):
                emails += [
                    pk
                    for pk, recipient_id, key in Notification.objects.filter(
                        dedupe_key__in=fresh_keys[start : start + 5000]
                    ).values_list("pk", "recipient_id", "dedupe_key")
                    if (recipient_id, key) in wants_email
                ]
            for start in range(0, len(emails), EMAIL_BATCH):
                enqueue_on_commit(send_notification_emails, emails[start : start + EMAIL_BATCH])
    return len(fresh)


def notifications_mark_read(*, member, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
