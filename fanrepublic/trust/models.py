"""WeCom chat groups and their messages, per-customer trust temperatures, the rules that
open service cases, and the cases. Fields and constraints only; behaviour lives in
services.py (chat, temperature, rules, cases)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import CaseOutcome, CaseStatus, EntryKind, Sentiment


class WeComStaff(models.Model):
    """Which member a WeCom staff account (企业微信成员) is: messages and group ownership
    arrive with WeCom user ids."""

    userid = models.CharField(_("WeCom user id"), max_length=64, unique=True)
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="wecom"
    )

    class Meta:
        verbose_name = _("WeCom staff account")
        verbose_name_plural = _("WeCom staff accounts")

    def __str__(self):
        return self.userid


class ChatGroup(models.Model):
    """A WeCom customer group (客户群), run by a staff member for a store."""

    chat_id = models.CharField(_("WeCom chat id"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    owner_userid = models.CharField(_("owner's WeCom id"), max_length=64, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_groups",
    )
    store = models.ForeignKey(
        "stores.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice = models.TextField(_("notice"), blank=True, max_length=4000)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    created_at = models.DateTimeField(_("created at"))
    synced_at = models.DateTimeField(_("roster synced at"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat group")
        verbose_name_plural = _("chat groups")
        ordering = ["name"]

    def __str__(self):
        return self.name or self.chat_id

    def get_absolute_url(self):
        return reverse("trust:group", args=[self.pk])


class ChatMembership(models.Model):
    """Who is in a group: a customer (a contact) or a staff member, by WeCom id."""

    group = models.ForeignKey(ChatGroup, on_delete=models.CASCADE, related_name="memberships")
    userid = models.CharField(_("WeCom id"), max_length=64)
    contact = models.ForeignKey(
        "stores.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "userid"], name="chat_membership_once")]

    def __str__(self):
        return f"{self.userid} in {self.group_id}"


class ChatMessage(models.Model):
    """One message in a group, as the message archive delivered it, with what the
    inquiry detector made of it. `msgid` makes a redelivery a no-op."""

    msgid = models.CharField(max_length=64, unique=True)
    group = models.ForeignKey(ChatGroup, on_delete=models.CASCADE, related_name="messages")
    sender_userid = models.CharField(max_length=64)
    contact = models.ForeignKey(
        "stores.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="chat_messages"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"))
    msgtype = models.CharField(max_length=20, default="text")
    text = models.TextField(_("text"), blank=True, max_length=4000)
    intents = models.JSONField(_("intents"), default=list, blank=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    is_question = models.BooleanField(_("question"), default=False)
    recalled = models.BooleanField(_("recalled"), default=False)
    # Stored first, understood second: ingestion keeps up with WeCom by storing the raw
    # message; classification, events, questions, temperatures and rules follow (a task).
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["group", "sent_at"], name="chat_message_group_time"),
            models.Index(
                fields=["sent_at"], name="chat_message_waiting", condition=Q(processed_at__isnull=True)
            ),
        ]

    def __str__(self):
        return self.msgid


class Question(models.Model):
    """A customer's question in a group, waiting until staff write in that group."""

    message = models.OneToOneField(ChatMessage, on_delete=models.CASCADE, related_name="question")
    group = models.ForeignKey(ChatGroup, on_delete=models.CASCADE, related_name="questions")
    contact = models.ForeignKey("stores.Contact", on_delete=models.CASCADE, related_name="questions")
    asked_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When it counted against the customer's temperature as left unanswered.
    overdue_at = models.DateTimeField(_("counted as unanswered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at"]
        indexes = [
            models.Index(
                fields=["group", "asked_at"], name="question_open", condition=Q(answered_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"question {self.pk} in {self.group_id}"


class TemperatureFactor(models.Model):
    """An operator's setting for one kind of interaction: how many degrees it adds (or
    takes) and how fast that fades. Kinds without a row use the documented default
    (temperature.DEFAULT_FACTORS)."""

    verb = models.CharField(_("interaction"), max_length=100, unique=True)
    weight = models.FloatField(_("degrees"))
    half_life_days = models.FloatField(_("half-life (days)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("temperature factor")
        verbose_name_plural = _("temperature factors")
        constraints = [
            models.CheckConstraint(condition=Q(half_life_days__gt=0), name="temperature_half_life_positive"),
        ]

    def __str__(self):
        return self.verb


class Temperature(models.Model):
    """A customer's trust temperature. `sums` holds, per kind of interaction, the
    decayed count as of `computed_at`; the temperature at any later moment follows from
    them without reading the log again (temperature.py)."""

    contact = models.OneToOneField(
        "stores.Contact", primary_key=True, on_delete=models.CASCADE, related_name="temperature"
    )
    value = models.FloatField(_("temperature"))
    sums = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("trust temperature")
        verbose_name_plural = _("trust temperatures")
        indexes = [models.Index(fields=["value"], name="temperature_value")]

    def __str__(self):
        return f"{self.contact_id}: {self.value:.1f}°"


class Rule(models.Model):
    """An operator's rule: when a customer's recent interactions meet the conditions,
    do the actions — at most once per customer per window. Conditions and actions are
    data (rules.py checks their shape), so operators write rules without code."""

    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    conditions = models.JSONField(_("conditions"), default=list)
    actions = models.JSONField(_("actions"), default=list)
    window_days = models.PositiveIntegerField(_("fires at most once per customer every (days)"), default=14)
    is_active = models.BooleanField(_("switched on"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(window_days__gte=1), name="rule_window_positive")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("trust:rule", args=[self.pk])


class RuleFiring(models.Model):
    """A rule fired for a customer. Unique per window: however often the conditions are
    met again (or the event replayed), the rule acts once per customer per window."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    contact = models.ForeignKey("stores.Contact", on_delete=models.CASCADE, related_name="rule_firings")
    window = models.IntegerField()
    fired_at = models.DateTimeField(_("fired at"))
    explanation = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        constraints = [
            models.UniqueConstraint(fields=["rule", "contact", "window"], name="rule_fires_once_a_window")
        ]

    def __str__(self):
        return f"{self.rule_id} for {self.contact_id} ({self.window})"


class CustomerTag(models.Model):
    contact = models.ForeignKey("stores.Contact", on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=40)
    added_at = models.DateTimeField(auto_now_add=True)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [models.UniqueConstraint(fields=["contact", "tag"], name="customer_tag_once")]

    def __str__(self):
        return self.tag


class CustomerList(models.Model):
    """A named list of customers that rules add to (a call list, a campaign audience)."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    contacts = models.ManyToManyField("stores.Contact", through="CustomerListEntry", related_name="+")

    class Meta:
        verbose_name = _("customer list")
        verbose_name_plural = _("customer lists")

    def __str__(self):
        return self.name


class CustomerListEntry(models.Model):
    customer_list = models.ForeignKey(CustomerList, on_delete=models.CASCADE, related_name="entries")
    contact = models.ForeignKey("stores.Contact", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("customer list entry")
        verbose_name_plural = _("customer list entries")
        constraints = [
            models.UniqueConstraint(fields=["customer_list", "contact"], name="customer_list_once")
        ]

    def __str__(self):
        return f"{self.contact_id} on {self.customer_list_id}"


class ServiceCase(models.Model):
    """A dedicated service channel between one customer and their store's manager, with
    a first-response timer and an outcome."""

    contact = models.ForeignKey("stores.Contact", on_delete=models.CASCADE, related_name="service_cases")
    store = models.ForeignKey(
        "stores.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_cases",
    )
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("opened by rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    group = models.ForeignKey(ChatGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("why it was opened"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CaseOutcome.choices, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        ordering = ["-opened_at"]
        constraints = [
            # One open case per customer: a second rule adds to it instead.
            models.UniqueConstraint(
                fields=["contact"], condition=Q(status=CaseStatus.OPEN), name="service_case_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN, outcome="")
                | Q(status=CaseStatus.CLOSED) & ~Q(outcome=""),
                name="service_case_closed_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["store", "status"], name="service_case_store_status")]

    def __str__(self):
        return f"case {self.pk}"

    def get_absolute_url(self):
        return reverse("trust:case", args=[self.pk])

    @property
    def waiting_for_first_response(self) -> bool:
        return self.status == CaseStatus.OPEN and self.first_response_at is None


class CaseEntry(models.Model):
    """One step of a case: a reply to the customer, an internal note, the customer's own
    words, a hand-over."""

    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), max_length=4000)
    handed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("case entry")
        verbose_name_plural = _("case entries")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.kind} on case {self.case_id}"


class RefusedCallback(models.Model):
    """A callback that failed the signature, the time window, the replay check or
    decryption: when, why and from where — nothing of its content."""

    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=30)
    remote_addr = models.CharField(_("from"), max_length=45, blank=True)
    size = models.PositiveIntegerField(_("bytes"), default=0)

    class Meta:
        verbose_name = _("refused callback")
        verbose_name_plural = _("refused callbacks")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.reason} at {self.received_at:%Y-%m-%d %H:%M:%S}"
