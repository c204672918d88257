from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("Replies to my topics")
    MENTION = "mention", _("Mentions of me")
    QUOTE = "quote", _("Quotes of my replies")
    STATUS = "status", _("Status changes of topics I wrote or voted for")
    MODERATION = "moderation", _("Moderation of my posts")
    RELEASE = "release", _("My contributions shipping in a release")
    BOUNTY = "bounty", _("Triage of my bug bounty reports")
    BETA = "beta", _("My beta applications and test reports")


# Email by default for what members most want to hear about; replies stay in-app.
EMAIL_DEFAULTS = {
    NotificationKind.REPLY: True,
    NotificationKind.MENTION: True,
    NotificationKind.QUOTE: False,
    NotificationKind.STATUS: True,
    NotificationKind.MODERATION: True,
    NotificationKind.RELEASE: True,
    NotificationKind.BOUNTY: True,
    NotificationKind.BETA: True,
}
