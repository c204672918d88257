"""What the forum app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, NoticeKind, Pages, Verb
from fanrepublic.members.permissions import can_answer_feedback, can_moderate, can_view_metrics

from . import notices

CAPABILITY = Capability(
    label="forum",
    pages=Pages("", "fanrepublic.forum.urls"),
    api=Api("/", "fanrepublic.forum.api:router"),
    verbs=(
        Verb("forum.topic.created", _("A member posted a topic.")),
        Verb("forum.topic.edited", _("The author edited a topic.")),
        Verb("forum.topic.read", _("A member read a topic (once a day).")),
        Verb("forum.topic.liked", _("A member liked a topic.")),
        Verb("forum.topic.unliked", _("A member withdrew a like from a topic.")),
        Verb("forum.topic.voted", _("A member gave a suggestion or bug +1.")),
        Verb("forum.topic.unvoted", _("A member withdrew their +1.")),
        Verb("forum.topic.status_changed", _("Staff moved a topic along the status workflow.")),
        Verb(
            "forum.topic.accepted",
            _("A suggestion or bug was accepted (planned, in progress or shipped), once per topic."),
        ),
        Verb("forum.topic.first_response", _("Staff answered a topic for the first time.")),
        Verb("forum.topic.claimed", _("An engineer claimed a topic on the desk.")),
        Verb("forum.topic.unclaimed", _("An engineer released a claimed topic.")),
        Verb("forum.topic.merged", _("Staff merged a duplicate topic into the original.")),
        Verb("forum.topic.moved", _("A moderator moved a topic to another board.")),
        Verb("forum.topic.flagged", _("A member flagged a topic.")),
        Verb("forum.topic.hide", _("A moderator hid a topic.")),
        Verb("forum.topic.unhide", _("A moderator showed a hidden topic again.")),
        Verb("forum.topic.lock", _("A moderator locked a topic.")),
        Verb("forum.topic.unlock", _("A moderator unlocked a topic.")),
        Verb("forum.topic.pin", _("A moderator pinned a topic.")),
        Verb("forum.topic.unpin", _("A moderator unpinned a topic.")),
        Verb("forum.reply.created", _("A member replied to a topic.")),
        Verb("forum.reply.edited", _("The author edited a reply.")),
        Verb("forum.reply.liked", _("A member liked a reply.")),
        Verb("forum.reply.unliked", _("A member withdrew a like from a reply.")),
        Verb("forum.reply.flagged", _("A member flagged a reply.")),
        Verb("forum.reply.hide", _("A moderator hid a reply.")),
        Verb("forum.reply.unhide", _("A moderator showed a hidden reply again.")),
    ),
    notice_kinds=(
        NoticeKind(notices.REPLY, _("Replies to my topics"), notices.reply_text),
        NoticeKind(notices.MENTION, _("Mentions of me"), notices.mention_text),
        NoticeKind(notices.QUOTE, _("Quotes of my replies"), notices.quote_text, email_default=False),
        NoticeKind(notices.STATUS, _("Status changes of topics I wrote or voted for"), notices.status_text),
        NoticeKind(notices.MODERATION, _("Moderation of my posts"), notices.moderation_text),
    ),
    nav=(
        NavEntry("staff", _("Engineer desk"), "forum:desk", can_answer_feedback, order=10),
        NavEntry("staff", _("Response metrics"), "forum:metrics", can_view_metrics, order=20),
        NavEntry("staff", _("Flags"), "forum:flags", can_moderate, order=60),
    ),
    demo=(
        DemoStep("forum", "fanrepublic.forum.demo:seed", after=("products", "members.accounts", "points")),
    ),
)
