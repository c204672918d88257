import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from fanrepublic.core.text import email_subject

from .messages import notification_text
from .models import Notification

log = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """An email is read outside the site: its link carries the configured base URL."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification in the recipient's language. Claims the row first, so a
    task that runs twice sends one email."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = note.recipient
    if not recipient.email or not recipient.is_active:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = notification_text(note.kind, note.params)
        body = render_to_string(
            "notifications/email.txt",
            {
                "text": text,
                "url": absolute_url(note.url),
                "member": recipient,
                "site_name": settings.SITE_NAME,
            },
        )
        try:
            send_mail(email_subject(f"[{settings.SITE_NAME}] {text}"), body, None, [recipient.email])
        except OSError:
            Notification.objects.filter(pk=notification_id).update(emailed_at=None)
            raise
    return True


EMAIL_BATCH = 200


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email a batch of notifications (one task per EMAIL_BATCH, not per email: telling
    100,000 backers that a campaign failed queues 500 tasks). One the mail server does
    not take now is handed to its own retrying task (its claim released); one that cannot
    be sent for another reason (a broken address) is logged; the rest go on either way.
    Returns how many were sent."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += bool(send_notification_email.run(notification_id))
        except OSError:
            send_notification_email.delay(notification_id)
        except Exception:
            log.exception("notification %s could not be emailed", notification_id)
    return sent
