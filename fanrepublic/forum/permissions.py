"""Who may do what in the forum. Views and services both call these; a topic a member
may not see is reported as missing (404), never as forbidden."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from fanrepublic.members.permissions import can_answer_feedback, can_moderate

from .enums import TRACKED_KINDS


def can_see_topic(user, topic) -> bool:
    if not topic.is_hidden:
        return True
    return can_moderate(user)


def can_post(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and not user.is_suspended)


def can_reply(user, topic) -> bool:
    if not can_post(user):
        return False
    return not topic.is_locked or can_moderate(user) or can_answer_feedback(user)


def _within_edit_window(created_at) -> bool:
    return timezone.now() - created_at <= timedelta(minutes=settings.FORUM_EDIT_WINDOW_MINUTES)


def can_edit_post(user, post, topic) -> bool:
    """Authors edit their own posts within the edit window while the topic is open;
    moderators edit anything (and that is audited)."""
    if not (user and user.is_authenticated):
        return False
    if can_moderate(user):
        return True
    return (
        post.author_id == user.pk
        and not user.is_suspended
        and not topic.is_locked
        and _within_edit_window(post.created_at)
    )


def can_change_status(user, topic) -> bool:
    return topic.kind in TRACKED_KINDS and can_answer_feedback(user)


def can_vote(user, topic) -> bool:
    return can_post(user) and topic.kind in TRACKED_KINDS and not topic.is_locked


def can_claim(user) -> bool:
    return can_answer_feedback(user)
