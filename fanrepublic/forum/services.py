"""Forum use cases. Every write checks permissions, runs in one transaction, records its
event in the activity log, and audits staff actions. Handlers (notifications, contribution
scores) react to the events after commit."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.cache import anonymous_pages_expire
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.images import check_images
from fanrepublic.core.markdown import extract_mentions, render_markdown
from fanrepublic.core.search import search_document
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.members.permissions import can_answer_feedback, can_moderate

from . import permissions as perms
from .enums import (
    ACCEPTED_STATUSES,
    ANSWERABLE_KINDS,
    TRACKED_KINDS,
    FlagReason,
    FlagStatus,
    TopicKind,
    TopicStatus,
)
from .models import Attachment, Board, Flag, Like, Reply, StatusChange, Topic, Vote
from .selectors import BOARD_COUNTS_CACHE_KEY

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MAX = 20000
NOTE_MAX = 5000


def _visitors_see_it_now() -> None:
    """A moderator's change (a post hidden or edited, a topic moved, merged, locked or
    pinned) reaches visitors at the commit, not when their cached pages and the cached
    board counts expire a minute later."""
    anonymous_pages_expire()
    transaction.on_commit(lambda: cache.delete(BOARD_COUNTS_CACHE_KEY), robust=True)


def _check_rate(author) -> None:
    # Engineers answer 100+ posts a day; the posting limit is for spam, not for them.
    if not can_answer_feedback(author):
        ratelimit.hit("post", str(author.pk), settings.FORUM_POST_RATE)


def _clean_title(title: str) -> str:
    # Line breaks and tabs pasted into a title are tidied into spaces; any other control
    # character (or invalid Unicode) is refused: titles reach email subjects.
    title = " ".join((title or "").split())
    problem = text_problem(title, single_line=True)
    if problem:
        raise ValidationFailed(problem, field="title")
    if len(title) < TITLE_MIN:
        raise ValidationFailed(
            _("The title needs at least %(n)d characters.") % {"n": TITLE_MIN}, field="title"
        )
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            _("The title can have at most %(n)d characters.") % {"n": TITLE_MAX}, field="title"
        )
    return title


def _clean_body(body: str, *, field: str = "body", max_len: int = BODY_MAX) -> str:
    problem = text_problem(body or "")
    if problem:
        raise ValidationFailed(problem, field=field)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write something first."), field=field)
    if len(body) > max_len:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": max_len}, field=field)
    return body


MAX_MENTIONS = 20


def _known_mentions(text: str) -> set[str]:
    """Lower-cased usernames mentioned in `text` that belong to real members."""
    names = sorted(extract_mentions(text))[:MAX_MENTIONS]
    if not names:
        return set()
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    User = get_user_model()
    return {u.lower() for u in User.objects.filter(match, is_active=True).values_list("username", flat=True)}


def _render(text: str) -> str:
    return render_markdown(text, mentions=_known_mentions(text))


def _attach(uploader, checked, *, topic=None, reply=None) -> None:
    for upload, _ext, content_type in checked:
        Attachment.objects.create(
            uploader=uploader,
            topic=topic,
            reply=reply,
            image=upload,
            size=upload.size,
            content_type=content_type,
        )


def _mark_first_staff_response(topic: Topic, responder, when) -> None:
    if topic.kind not in ANSWERABLE_KINDS or not can_answer_feedback(responder):
        return
    # Conditional update: two engineers answering at once cannot both be "first".
    updated = Topic.objects.filter(pk=topic.pk, first_staff_response_at__isnull=True).update(
        first_staff_response_at=when, first_staff_responder=responder
    )
    if updated:
        topic.first_staff_response_at = when
        topic.first_staff_responder = responder
        record_event(
            verb="forum.topic.first_response",
            actor=responder,
            obj=topic,
            owner=topic.author,
            properties={"seconds": int((when - topic.created_at).total_seconds())},
        )


def board_get_open(*, slug: str) -> Board:
    board = Board.objects.filter(slug=slug, is_archived=False).first()
    if board is None:
        raise NotFound()
    return board


def topic_create(
    *, author, board: Board, kind: str, title: str, body: str, images=(), channel: str = Channel.WEB
) -> Topic:
    if not perms.can_post(author):
        raise Forbidden(_("Your account cannot post right now."))
    if board.is_archived:
        raise ValidationFailed(_("This board is archived."), field="board")
    if kind not in TopicKind.values:
        raise ValidationFailed(_("Choose what kind of topic this is."), field="kind")
    title = _clean_title(title)
    body = _clean_body(body)
    checked = check_images(images)
    _check_rate(author)
    now = timezone.now()
    with transaction.atomic():
        topic = Topic.objects.create(
            board=board,
            author=author,
            author_role=author.staff_role,
            kind=kind,
            title=title,
            body=body,
            body_html=_render(body),
            created_at=now,
            last_activity_at=now,
            search_document=search_document(title, body),
        )
        _attach(author, checked, topic=topic)
        record_event(
            verb="forum.topic.created",
            actor=author,
            obj=topic,
            owner=author,
            channel=channel,
            properties={"board": board.slug, "kind": kind, "mentions": sorted(extract_mentions(body))},
        )
        if kind in TRACKED_KINDS:
            # Like Canny: the author of a suggestion counts as its first supporter.
            Vote.objects.create(member=author, topic=topic)
            Topic.objects.filter(pk=topic.pk).update(vote_count=1)
            topic.vote_count = 1
    return topic


def topic_edit(*, actor, topic: Topic, title: str, body: str) -> Topic:
    if not perms.can_see_topic(actor, topic):
        raise NotFound()
    if not perms.can_edit_post(actor, topic, topic):
        raise Forbidden(_("You can no longer edit this topic."))
    title = _clean_title(title)
    body = _clean_body(body)
    with transaction.atomic():
        before = {"title": topic.title, "body": topic.body}
        topic.title, topic.body, topic.body_html = title, body, _render(body)
        topic.search_document = search_document(title, body)
        topic.edited_at = timezone.now()
        topic.save(update_fields=["title", "body", "body_html", "search_document", "edited_at"])
        record_event(verb="forum.topic.edited", actor=actor, obj=topic, owner=topic.author)
        if actor.pk != topic.author_id:
            audit_record(actor=actor, action="forum.topic.edited", target=topic, data=before)
            _visitors_see_it_now()
    return topic


def reply_create(
    *, author, topic: Topic, body: str, quoted: Reply | None = None, images=(), channel: str = Channel.WEB
) -> Reply:
    if not perms.can_see_topic(author, topic):
        raise NotFound()
    if not perms.can_reply(author, topic):
        if topic.is_locked:
            raise Forbidden(_("This topic is locked."))
        raise Forbidden(_("Your account cannot post right now."))
    body = _clean_body(body)
    if quoted is not None and (
        quoted.topic_id != topic.pk or (quoted.is_hidden and not can_moderate(author))
    ):
        raise ValidationFailed(_("You can only quote a visible reply of this topic."), field="quoted")
    checked = check_images(images)
    _check_rate(author)
    now = timezone.now()
    with transaction.atomic():
        reply = Reply.objects.create(
            topic=topic,
            author=author,
            author_role=author.staff_role,
            body=body,
            body_html=_render(body),
            quoted=quoted,
            created_at=now,
            search_document=search_document(body),
        )
        _attach(author, checked, reply=reply)
        Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
        record_event(
            verb="forum.reply.created",
            actor=author,
            obj=reply,
            owner=topic.author,
            channel=channel,
            properties={
                "topic_id": topic.pk,
                "mentions": sorted(extract_mentions(body)),
                "quoted_author_id": quoted.author_id if quoted else None,
                "staff": bool(author.staff_role),
            },
        )
        _mark_first_staff_response(topic, author, now)
    return reply


def reply_edit(*, actor, reply: Reply, body: str) -> Reply:
    topic = reply.topic
    if not perms.can_see_topic(actor, topic) or (reply.is_hidden and not can_moderate(actor)):
        raise NotFound()
    if not perms.can_edit_post(actor, reply, topic):
        raise Forbidden(_("You can no longer edit this reply."))
    body = _clean_body(body)
    with transaction.atomic():
        before = reply.body
        reply.body, reply.body_html = body, _render(body)
        reply.search_document = search_document(body)
        reply.edited_at = timezone.now()
        reply.save(update_fields=["body", "body_html", "search_document", "edited_at"])
        record_event(verb="forum.reply.edited", actor=actor, obj=reply, owner=reply.author)
        if actor.pk != reply.author_id:
            audit_record(actor=actor, action="forum.reply.edited", target=reply, data={"body": before})
            _visitors_see_it_now()
    return reply


def like_set(*, member, target: Topic | Reply, liked: bool) -> bool:
    """Like or unlike a topic or reply; returns whether anything changed. Safe under
    concurrency: the unique constraint decides, the counter follows the row count."""
    topic = target if isinstance(target, Topic) else target.topic
    if (
        not perms.can_see_topic(member, topic)
        or getattr(target, "is_hidden", False)
        and not can_moderate(member)
    ):
        raise NotFound()
    if not perms.can_post(member):
        raise Forbidden(_("Your account cannot do that right now."))
    if target.author_id == member.pk:
        raise ValidationFailed(_("You cannot like your own post."))
    kind = "topic" if isinstance(target, Topic) else "reply"
    model = type(target)
    with transaction.atomic():
        if liked:
            try:
                with transaction.atomic():
                    Like.objects.create(member=member, **{kind: target})
            except IntegrityError:
                return False
            model.objects.filter(pk=target.pk).update(like_count=F("like_count") + 1)
        else:
            deleted, _detail = Like.objects.filter(member=member, **{kind: target}).delete()
            if not deleted:
                return False
            model.objects.filter(pk=target.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
        record_event(
            verb=f"forum.{kind}.{'liked' if liked else 'unliked'}",
            actor=member,
            obj=target,
            owner=target.author,
            properties={"topic_id": topic.pk},
        )
    return True


def vote_set(*, member, topic: Topic, voted: bool) -> bool:
    if not perms.can_see_topic(member, topic):
        raise NotFound()
    if topic.kind not in TRACKED_KINDS:
        raise ValidationFailed(_("Only suggestions and bug reports take votes."))
    if not perms.can_vote(member, topic):
        raise Forbidden(_("Voting is closed on this topic."))
    with transaction.atomic():
        if voted:
            try:
                with transaction.atomic():
                    Vote.objects.create(member=member, topic=topic)
            except IntegrityError:
                return False
            Topic.objects.filter(pk=topic.pk).update(vote_count=F("vote_count") + 1)
        else:
            deleted, _detail = Vote.objects.filter(member=member, topic=topic).delete()
            if not deleted:
                return False
            Topic.objects.filter(pk=topic.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
        record_event(
            verb="forum.topic.voted" if voted else "forum.topic.unvoted",
            actor=member,
            obj=topic,
            owner=topic.author,
        )
    return True


def topic_read(*, member, topic: Topic) -> None:
    """Remember that a member has read a topic (once) for trust levels."""
    if member.is_authenticated:
        record_event(
            verb="forum.topic.read",
            actor=member,
            obj=topic,
            idempotency_key=f"read:{member.pk}:{topic.pk}",
        )


def _status_change_record(*, actor, topic: Topic, to_status: str, note: str) -> StatusChange:
    now = timezone.now()
    change = StatusChange.objects.create(
        topic=topic,
        actor=actor,
        actor_role=actor.staff_role,
        from_status=topic.status,
        to_status=to_status,
        note=note,
        note_html=_render(note),
        created_at=now,
    )
    Topic.objects.filter(pk=topic.pk).update(status=to_status, last_activity_at=now)
    topic.status = to_status
    _mark_first_staff_response(topic, actor, now)
    if to_status in ACCEPTED_STATUSES:
        # Once per topic, however often it moves between accepted states.
        record_event(
            verb="forum.topic.accepted",
            actor=actor,
            obj=topic,
            owner=topic.author,
            idempotency_key=f"forum.topic.accepted:{topic.pk}",
        )
    return change


def topic_status_change(*, actor, topic: Topic, status: str, note: str) -> StatusChange:
    if not perms.can_see_topic(actor, topic):
        raise NotFound()
    if not perms.can_change_status(actor, topic):
        raise Forbidden(_("Only staff change the status of suggestions and bug reports."))
    if status not in TopicStatus.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    if status == TopicStatus.DUPLICATE:
        raise ValidationFailed(_("Mark a duplicate by merging it into the original topic."), field="status")
    if topic.status == TopicStatus.DUPLICATE:
        raise ValidationFailed(_("This topic was merged into another one."), field="status")
    if status == topic.status:
        raise ValidationFailed(_("The topic already has this status."), field="status")
    note = _clean_body(note, field="note", max_len=NOTE_MAX)
    with transaction.atomic():
        Topic.objects.select_for_update().filter(pk=topic.pk).first()
        from_status = topic.status
        change = _status_change_record(actor=actor, topic=topic, to_status=status, note=note)
        audit_record(
            actor=actor,
            action="forum.topic.status_changed",
            target=topic,
            reason=note,
            data={"from": from_status, "to": status},
        )
        record_event(
            verb="forum.topic.status_changed",
            actor=actor,
            obj=topic,
            owner=topic.author,
            properties={"from": from_status, "to": status, "status_change_id": change.pk},
        )
    return change


def topic_merge(*, actor, duplicate: Topic, original: Topic, note: str) -> Topic:
    """Close `duplicate` as a duplicate of `original`; its votes (and its author's
    support) move to the original, each member counted once."""
    if not perms.can_see_topic(actor, duplicate) or not perms.can_see_topic(actor, original):
        raise NotFound()
    if not perms.can_change_status(actor, duplicate):
        raise Forbidden(_("Only staff merge duplicates."))
    while original.status == TopicStatus.DUPLICATE and original.duplicate_of_id:
        original = original.duplicate_of
    if original.pk == duplicate.pk:
        raise ValidationFailed(_("A topic cannot be a duplicate of itself."), field="original")
    if duplicate.status == TopicStatus.DUPLICATE:
        raise ValidationFailed(_("This topic was already merged."), field="original")
    if original.kind not in TRACKED_KINDS:
        raise ValidationFailed(_("Merge into a suggestion or a bug report."), field="original")
    note = _clean_body(note, field="note", max_len=NOTE_MAX)
    with transaction.atomic():
        # Lock both in primary-key order so two merges cannot deadlock.
        list(Topic.objects.select_for_update().filter(pk__in=[duplicate.pk, original.pk]).order_by("pk"))
        supporters = set(duplicate.votes.values_list("member_id", flat=True)) | {duplicate.author_id}
        already = set(original.votes.values_list("member_id", flat=True))
        moved = sorted(supporters - already)
        Vote.objects.bulk_create(
            [Vote(member_id=m, topic=original, carried_from=duplicate) for m in moved], ignore_conflicts=True
        )
        duplicate.votes.all().delete()
        Topic.objects.filter(pk=original.pk).update(vote_count=original.votes.count())
        Topic.objects.filter(pk=duplicate.pk).update(vote_count=0, duplicate_of=original, is_locked=True)
        duplicate.duplicate_of = original
        from_status = duplicate.status
        change = _status_change_record(
            actor=actor, topic=duplicate, to_status=TopicStatus.DUPLICATE, note=note
        )
        duplicate.is_locked = True
        audit_record(
            actor=actor,
            action="forum.topic.merged",
            target=duplicate,
            reason=note,
            data={"into": original.pk, "votes_moved": len(moved)},
        )
        record_event(
            verb="forum.topic.merged",
            actor=actor,
            obj=duplicate,
            owner=duplicate.author,
            properties={
                "into": original.pk,
                "from": from_status,
                "status_change_id": change.pk,
                "supporters": sorted(supporters),
            },
        )
        _visitors_see_it_now()
    original.refresh_from_db()
    return original


MODERATION_ACTIONS = {
    "hide": ("is_hidden", True),
    "unhide": ("is_hidden", False),
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
}


def topic_moderate(*, actor, topic: Topic, action: str, reason: str = "") -> Topic:
    if not can_moderate(actor):
        raise NotFound() if topic.is_hidden else Forbidden()
    if action not in MODERATION_ACTIONS:
        raise ValidationFailed(_("Unknown moderation action."), field="action")
    field, value = MODERATION_ACTIONS[action]
    if action == "hide" and not reason.strip():
        raise ValidationFailed(_("Say why the topic is hidden; the author will see it."), field="reason")
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(**{field: value})
        setattr(topic, field, value)
        audit_record(actor=actor, action=f"forum.topic.{action}", target=topic, reason=reason)
        record_event(
            verb=f"forum.topic.{action}",
            actor=actor,
            obj=topic,
            owner=topic.author,
            properties={"reason": reason},
        )
        _visitors_see_it_now()
    return topic


def reply_moderate(*, actor, reply: Reply, hidden: bool, reason: str = "") -> Reply:
    if not can_moderate(actor):
        raise Forbidden()
    if hidden and not reason.strip():
        raise ValidationFailed(_("Say why the reply is hidden; the author will see it."), field="reason")
    action = "hide" if hidden else "unhide"
    with transaction.atomic():
        changed = Reply.objects.filter(pk=reply.pk, is_hidden=not hidden).update(is_hidden=hidden)
        if changed:
            # reply_count counts visible replies only.
            topics = Topic.objects.filter(pk=reply.topic_id)
            if hidden:
                topics.filter(reply_count__gt=0).update(reply_count=F("reply_count") - 1)
            else:
                topics.update(reply_count=F("reply_count") + 1)
            _visitors_see_it_now()
        reply.is_hidden = hidden
        audit_record(actor=actor, action=f"forum.reply.{action}", target=reply, reason=reason)
        record_event(
            verb=f"forum.reply.{action}",
            actor=actor,
            obj=reply,
            owner=reply.author,
            properties={"reason": reason, "topic_id": reply.topic_id},
        )
    return reply


def topic_move(*, actor, topic: Topic, board: Board, reason: str = "") -> Topic:
    if not can_moderate(actor):
        raise Forbidden()
    if board.pk == topic.board_id:
        raise ValidationFailed(_("The topic is already on that board."), field="board")
    with transaction.atomic():
        old = topic.board
        Topic.objects.filter(pk=topic.pk).update(board=board)
        topic.board = board
        audit_record(
            actor=actor,
            action="forum.topic.moved",
            target=topic,
            reason=reason,
            data={"from": old.slug, "to": board.slug},
        )
        record_event(
            verb="forum.topic.moved",
            actor=actor,
            obj=topic,
            owner=topic.author,
            properties={"from": old.slug, "to": board.slug},
        )
        _visitors_see_it_now()
    return topic


def flag_create(*, reporter, target: Topic | Reply, reason: str, detail: str = "") -> Flag:
    topic = target if isinstance(target, Topic) else target.topic
    if not perms.can_see_topic(reporter, topic) or getattr(target, "is_hidden", False):
        raise NotFound()
    if not perms.can_post(reporter):
        raise Forbidden(_("Your account cannot do that right now."))
    if reason not in FlagReason.values:
        raise ValidationFailed(_("Choose a reason."), field="reason")
    if len(detail or "") > 1000:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": 1000}, field="detail")
    if target.author_id == reporter.pk:
        raise ValidationFailed(_("You cannot flag your own post."))
    ratelimit.hit("flag", str(reporter.pk), "20/h")
    kind = "topic" if isinstance(target, Topic) else "reply"
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                reporter=reporter, reason=reason, detail=detail or "", **{kind: target}
            )
            record_event(
                verb=f"forum.{kind}.flagged",
                actor=reporter,
                obj=target,
                owner=target.author,
                properties={"reason": reason},
            )
    except IntegrityError:
        raise Conflict(_("You have already flagged this.")) from None
    return flag


def flag_resolve(*, actor, flag: Flag, uphold: bool, note: str = "") -> Flag:
    """Upholding a flag hides the post; dismissing leaves it. Both are audited."""
    if not can_moderate(actor):
        raise Forbidden()
    if flag.status != FlagStatus.OPEN:
        raise Conflict(_("This flag was already handled."))
    with transaction.atomic():
        now = timezone.now()
        updated = Flag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
            status=FlagStatus.UPHELD if uphold else FlagStatus.DISMISSED,
            resolved_by=actor,
            resolved_at=now,
            resolution_note=note,
        )
        if not updated:
            raise Conflict(_("This flag was already handled."))
        flag.refresh_from_db()
        target = flag.target
        if uphold and not target.is_hidden:
            reason = note or FlagReason(flag.reason).label
            if isinstance(target, Topic):
                topic_moderate(actor=actor, topic=target, action="hide", reason=str(reason))
            else:
                reply_moderate(actor=actor, reply=target, hidden=True, reason=str(reason))
        # Other open flags on the same post are settled by the same decision.
        same = {"topic": flag.topic} if flag.topic_id else {"reply": flag.reply}
        Flag.objects.filter(status=FlagStatus.OPEN, **same).update(
            status=flag.status, resolved_by=actor, resolved_at=now, resolution_note=note
        )
        audit_record(
            actor=actor,
            action="forum.flag.upheld" if uphold else "forum.flag.dismissed",
            target=flag,
            reason=note,
        )
    return flag


def topic_claim(*, engineer, topic: Topic, claim: bool = True) -> Topic:
    if not perms.can_claim(engineer):
        raise Forbidden()
    if not perms.can_see_topic(engineer, topic):
        raise NotFound()
    with transaction.atomic():
        if claim:
            now = timezone.now()
            updated = Topic.objects.filter(pk=topic.pk, claimed_by__isnull=True).update(
                claimed_by=engineer, claimed_at=now
            )
            if not updated:
                current = Topic.objects.filter(pk=topic.pk).values_list("claimed_by", flat=True).first()
                if current != engineer.pk:
                    raise Conflict(_("Someone else has claimed this topic."))
                return topic
            topic.claimed_by, topic.claimed_at = engineer, now
        else:
            updated = Topic.objects.filter(pk=topic.pk, claimed_by=engineer).update(
                claimed_by=None, claimed_at=None
            )
            if not updated:
                raise Conflict(_("You have not claimed this topic."))
            topic.claimed_by = topic.claimed_at = None
        record_event(
            verb="forum.topic.claimed" if claim else "forum.topic.unclaimed",
            actor=engineer,
            obj=topic,
            owner=topic.author,
        )
    return topic
