from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.i18n import BilingualMixin

from .enums import TRACKED_KINDS, FlagReason, FlagStatus, TopicKind, TopicStatus


class Board(BilingualMixin, models.Model):
    """A place to talk about one product line (or the community in general)."""

    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="boards",
    )
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    description = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:board", args=[self.slug])

    @property
    def display_name(self):
        return self.localized("name")

    @property
    def display_description(self):
        return self.localized("description")


class Topic(models.Model):
    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.PROTECT, related_name="topics")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="topics"
    )
    # The author's staff role when they posted: the label stays on the post for good.
    author_role = models.CharField(_("author's staff role"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TopicKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), max_length=20000)
    body_html = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.NEW
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    # Visible replies (hidden ones are not counted), so pages need no COUNT(*).
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    first_staff_response_at = models.DateTimeField(_("first staff response"), null=True, blank=True)
    first_staff_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("first staff responder"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_topics",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # Title and body cut into words (jieba for Chinese), for full-text search.
    search_document = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["board", "is_hidden", "-is_pinned", "-last_activity_at"], name="topic_board_list"
            ),
            models.Index(fields=["is_hidden", "-is_pinned", "-last_activity_at"], name="topic_all_list"),
            models.Index(fields=["first_staff_response_at", "kind", "created_at"], name="topic_desk_queue"),
            models.Index(fields=["author", "-created_at"], name="topic_by_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TopicStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="topic_duplicate_has_original",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:topic", args=[self.pk])

    @property
    def is_tracked(self) -> bool:
        return self.kind in TRACKED_KINDS


class Reply(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="replies"
    )
    author_role = models.CharField(_("author's staff role"), max_length=20, blank=True)
    body = models.TextField(_("body"), max_length=20000)
    body_html = models.TextField(editable=False)
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted reply"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    search_document = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["topic", "created_at"], name="reply_topic_time"),
            models.Index(fields=["author", "created_at"], name="reply_author_time"),
        ]

    def __str__(self):
        return f"#{self.pk} on {self.topic_id}"

    def get_absolute_url(self):
        return reverse("forum:topic", args=[self.topic_id]) + f"#reply-{self.pk}"


class Like(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="likes")
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, reply__isnull=True)
                | Q(topic__isnull=True, reply__isnull=False),
                name="like_one_target",
            ),
            models.UniqueConstraint(
                fields=["member", "topic"], condition=Q(topic__isnull=False), name="like_topic_once"
            ),
            models.UniqueConstraint(
                fields=["member", "reply"], condition=Q(reply__isnull=False), name="like_reply_once"
            ),
        ]

    def __str__(self):
        return f"{self.member_id} likes {self.topic_id or self.reply_id}"


class Vote(models.Model):
    """A +1 on a suggestion or bug report ("I want this too")."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)
    carried_from = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when the vote moved here from a merged duplicate."),
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="vote_once")]

    def __str__(self):
        return f"{self.member_id} +1 {self.topic_id}"


class StatusChange(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=20, blank=True)
    from_status = models.CharField(max_length=20, choices=TopicStatus.choices)
    to_status = models.CharField(max_length=20, choices=TopicStatus.choices)
    note = models.TextField(_("note"), max_length=5000)
    note_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.topic_id}: {self.from_status} → {self.to_status}"


def attachment_path(instance, filename):
    return f"attachments/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    image = models.ImageField(
        _("image"), upload_to=attachment_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, reply__isnull=True)
                | Q(topic__isnull=True, reply__isnull=False),
                name="attachment_one_target",
            ),
        ]

    def __str__(self):
        return self.image.name


class Flag(models.Model):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    detail = models.TextField(_("detail"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, reply__isnull=True)
                | Q(topic__isnull=True, reply__isnull=False),
                name="flag_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "topic"],
                condition=Q(status=FlagStatus.OPEN, topic__isnull=False),
                name="flag_topic_open_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(status=FlagStatus.OPEN, reply__isnull=False),
                name="flag_reply_open_once",
            ),
        ]

    def __str__(self):
        return f"flag {self.reason} on {self.topic_id or self.reply_id}"

    @property
    def target(self):
        return self.topic if self.topic_id else self.reply
