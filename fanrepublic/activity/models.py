from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Channel


class Integration(models.Model):
    """A system outside the platform that sends events: a store's point of sale, the
    mobile app, a chat tool. It may send only the external verbs it lists (each one
    declared external in the verb catalogue) on its one channel; its API tokens belong
    to it, and earning rules name the integrations whose events they trust."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    verbs = models.JSONField(
        _("verbs it may send"), default=list, blank=True, help_text=_("External verbs of the catalogue.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Event(models.Model):
    """One interaction, from any channel. Append-only: rows are inserted, never changed
    (PostgreSQL enforces it with a trigger, see migration 0002). Points, trust levels,
    reputation and later CLV are computed from these rows.

    `owner` is the member whose work the event is about (the author of a liked reply),
    so "what others did with my work" is one indexed query.
    """

    # Unique by a constraint rather than unique=True: the same index, without the second,
    # pattern-matching index PostgreSQL would get for a unique CharField (nothing searches
    # keys by prefix). Every index is paid for on each of the log's many inserts.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    verb = models.CharField(_("verb"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # event_actor_verb leads with it
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of the object"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # event_owner_verb leads with it
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("Integration that sent it.")
    )
    integration = models.ForeignKey(
        Integration,
        verbose_name=_("integration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # event_integration, partial: platform events do not pay for it
        related_name="+",
        help_text=_("The integration that sent it; empty when the platform recorded it itself."),
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
            models.Index(
                fields=["integration"],
                name="event_integration",
                condition=models.Q(integration__isnull=False),
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="event_idempotency_key")]

    def __str__(self):
        return f"{self.verb} by {self.actor_id} on {self.object_type}:{self.object_id}"
