from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Channel


class Event(models.Model):
    """One interaction, from any channel. Append-only: rows are inserted, never changed
    (PostgreSQL enforces it with a trigger, see migration 0002). Points, trust levels,
    reputation and later CLV are computed from these rows.

    `owner` is the member whose work the event is about (the author of a liked reply),
    so "what others did with my work" is one indexed query.
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    verb = models.CharField(_("verb"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of the object"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("Integration that sent it.")
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["actor", "verb"], name="event_actor_verb"),
            models.Index(fields=["owner", "verb"], name="event_owner_verb"),
            models.Index(fields=["object_type", "object_id"], name="event_object"),
            models.Index(fields=["verb", "occurred_at"], name="event_verb_time"),
        ]

    def __str__(self):
        return f"{self.verb} by {self.actor_id} on {self.object_type}:{self.object_id}"
