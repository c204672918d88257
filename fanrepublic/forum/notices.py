"""What the forum tells members: its notification kinds (declared in capability.py), how
each reads in the reader's language, and the handlers that send them as forum events
happen. Each handler is idempotent through the notification's dedupe key (one per event
and recipient)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from fanrepublic.activity.registry import on
from fanrepublic.notifications.services import notify

from .enums import TopicStatus
from .models import Reply, Topic
from .selectors import voter_ids

REPLY, MENTION, QUOTE, STATUS, MODERATION = "reply", "mention", "quote", "status", "moderation"


def reply_text(params: dict) -> str:
    return _("%(actor)s replied to “%(topic)s”") % _text_params(params)


def mention_text(params: dict) -> str:
    return _("%(actor)s mentioned you in “%(topic)s”") % _text_params(params)


def quote_text(params: dict) -> str:
    return _("%(actor)s quoted your reply in “%(topic)s”") % _text_params(params)


def status_text(params: dict) -> str:
    if params.get("status") == "duplicate":
        return _("“%(topic)s” was merged into another topic; your vote moved with it") % _text_params(params)
    return _("“%(topic)s” is now %(status)s") % _text_params(params)


def moderation_text(params: dict) -> str:
    return _("A moderator acted on your post in “%(topic)s”") % _text_params(params)


def _text_params(params: dict) -> dict:
    status = params.get("status", "")
    return {
        "actor": params.get("actor", ""),
        "topic": params.get("topic", ""),
        "status": TopicStatus(status).label if status in TopicStatus.values else status,
    }


def _mentioned_ids(names: list[str]) -> set[int]:
    if not names:
        return set()
    match = Q()
    for name in names[:20]:
        match |= Q(username__iexact=name)
    return set(get_user_model().objects.filter(match, is_active=True).values_list("pk", flat=True))


def _params(event, topic) -> dict:
    actor = event.actor
    return {"actor": actor.public_name if actor else "", "topic": topic.title, "topic_id": topic.pk}


@on("forum.reply.created")
def notify_reply(event):
    reply = Reply.objects.select_related("topic").filter(pk=event.object_id).first()
    if reply is None or reply.is_hidden or reply.topic.is_hidden:
        return
    topic = reply.topic
    url = reverse("forum:topic", args=[topic.pk]) + f"#reply-{reply.pk}"
    params = _params(event, topic)
    mentioned = _mentioned_ids(event.properties.get("mentions", []))
    quoted_author = event.properties.get("quoted_author_id")
    # One notification per person per reply: a mention beats a quote beats a reply.
    notify(
        recipient_ids=mentioned,
        kind=MENTION,
        actor=event.actor,
        url=url,
        params=params,
        dedupe_key=f"event:{event.pk}",
    )
    quote_ids = {quoted_author} - mentioned if quoted_author else set()
    notify(
        recipient_ids=quote_ids,
        kind=QUOTE,
        actor=event.actor,
        url=url,
        params=params,
        dedupe_key=f"event:{event.pk}",
    )
    reply_ids = {topic.author_id} - mentioned - quote_ids
    notify(
        recipient_ids=reply_ids,
        kind=REPLY,
        actor=event.actor,
        url=url,
        params=params,
        dedupe_key=f"event:{event.pk}",
    )


@on("forum.topic.created")
def notify_topic_mentions(event):
    topic = Topic.objects.filter(pk=event.object_id, is_hidden=False).first()
    if topic is None:
        return
    notify(
        recipient_ids=_mentioned_ids(event.properties.get("mentions", [])),
        kind=MENTION,
        actor=event.actor,
        url=reverse("forum:topic", args=[topic.pk]),
        params=_params(event, topic),
        dedupe_key=f"event:{event.pk}",
    )


@on("forum.topic.status_changed")
def notify_status_change(event):
    topic = Topic.objects.filter(pk=event.object_id).first()
    if topic is None:
        return
    params = {**_params(event, topic), "status": event.properties.get("to", "")}
    notify(
        recipient_ids={topic.author_id, *voter_ids(topic_id=topic.pk)},
        kind=STATUS,
        actor=event.actor,
        url=reverse("forum:topic", args=[topic.pk]),
        params=params,
        dedupe_key=f"event:{event.pk}",
    )


@on("forum.topic.merged")
def notify_merge(event):
    topic = Topic.objects.filter(pk=event.object_id).first()
    if topic is None:
        return
    params = {**_params(event, topic), "status": "duplicate"}
    original = event.properties.get("into")
    notify(
        recipient_ids=set(event.properties.get("supporters", [])),
        kind=STATUS,
        actor=event.actor,
        url=reverse("forum:topic", args=[original or topic.pk]),
        params=params,
        dedupe_key=f"event:{event.pk}",
    )


@on("forum.topic.hide", "forum.reply.hide")
def notify_moderation(event):
    if event.verb == "forum.topic.hide":
        topic = Topic.objects.filter(pk=event.object_id).first()
    else:
        topic = Topic.objects.filter(pk=event.properties.get("topic_id")).first()
    if topic is None or event.owner_id is None:
        return
    params = {**_params(event, topic), "reason": event.properties.get("reason", "")}
    notify(
        recipient_ids={event.owner_id},
        kind=MODERATION,
        actor=event.actor,
        url=reverse("notifications:list"),
        params=params,
        dedupe_key=f"event:{event.pk}",
    )
