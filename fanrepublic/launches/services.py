"""Launch events: a host runs the schedule and puts live questions to the hall one after
another; members who joined answer each open question once and watch the counts move.

The ballot path is built to scale out: a member's hall pass (a signed token handed out
when they join) identifies them without a session or user query, and casting is one SQL
statement that checks the question is open, the option belongs to it and the member has
not answered yet, and inserts the ballot. The statement takes a share lock on the
question row, so a host closing the question waits for ballots in flight and the tally
it stores includes every ballot that was accepted."""

import hashlib
import logging
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.badges.eligibility import eligibility_problems
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record

from . import avatars, ballot_queue, eventlog, live
from .enums import AvatarAccessory, AvatarEyes, AvatarShape, EventStatus, QuestionStatus
from .errors import HallPassInvalid, HallUnavailable
from .models import Attendance, Avatar, LaunchEvent, LiveBallot, LiveOption, LiveQuestion, ScheduleItem
from .permissions import can_host, can_run_events

PASS_SALT = "fanrepublic.launches.hall-pass"
MAX_OPTIONS = 12
logger = logging.getLogger(__name__)


def _after_commit(func) -> None:
    """Redis work that follows a committed change (a push to the halls, live counters,
    arming a question): if Redis is away then, the failure is logged and the caller still
    hears what the database did — never an error for a change that was made. Each of
    these heals itself: a page gets the whole state when it reconnects, counters are
    rebuilt from the database, a question's keys at its first answer."""
    transaction.on_commit(func, robust=True)


def _require_host(actor, event: LaunchEvent):
    # A member who is not the host is told nothing about the host console (404).
    if not can_host(actor, event):
        raise NotFound()


# ----------------------------------------------------------------------------- events


def event_create(*, actor, schedule: list[dict] = (), **fields) -> LaunchEvent:
    """A scheduled event with its schedule items ({starts_at, title, title_zh})."""
    if not can_run_events(actor):
        raise Forbidden(_("Only operators and the founder create launch events."))
    if fields["ends_at"] <= fields["starts_at"]:
        raise ValidationFailed(_("An event must end after it starts."), field="ends_at")
    if (
        fields.get("slug") in ("new", "avatar")
        or LaunchEvent.objects.filter(slug=fields.get("slug")).exists()
    ):
        raise ValidationFailed(_("That slug is taken; choose another."), field="slug")
    fields.setdefault("host", actor)
    with transaction.atomic():
        event = LaunchEvent.objects.create(created_by=actor, **fields)
        ScheduleItem.objects.bulk_create(
            ScheduleItem(
                event=event,
                starts_at=item["starts_at"],
                title=item["title"].strip()[:200],
                title_zh=(item.get("title_zh") or "").strip()[:200],
            )
            for item in schedule
        )
        audit_record(actor=actor, action="launches.event.created", target=event)
    return event


def _set_event_status(*, actor, event: LaunchEvent, source: tuple, target: str, action: str) -> LaunchEvent:
    _require_host(actor, event)
    stopped = set()
    if target == EventStatus.ENDED:
        # Outside the transaction: draining stores and acknowledges answers, which must
        # not be rolled back afterwards.
        for question_id in event.questions.filter(status=QuestionStatus.OPEN).values_list("pk", flat=True):
            _stop_accepting(question_id)
            stopped.add(question_id)
    with transaction.atomic():
        locked = LaunchEvent.objects.select_for_update().get(pk=event.pk)
        if locked.status not in source:
            raise Conflict(_("This event is %(status)s.") % {"status": locked.get_status_display()})
        if target == EventStatus.ENDED:
            for question in locked.questions.filter(status=QuestionStatus.OPEN):
                if ballot_queue.enabled() and question.pk not in stopped:
                    raise Conflict(_("A question was opened meanwhile; end the event again."))
                _close(actor=actor, question=question)
        locked.status = target
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action=action, target=locked)
        record_event(verb=action, actor=actor, obj=locked)
        _after_commit(lambda: live.push(locked.pk, {"change": "event", "status": target}))
    return locked


def event_start(*, actor, event: LaunchEvent) -> LaunchEvent:
    return _set_event_status(
        actor=actor,
        event=event,
        source=(EventStatus.SCHEDULED,),
        target=EventStatus.LIVE,
        action="launches.event.started",
    )


def event_end(*, actor, event: LaunchEvent) -> LaunchEvent:
    return _set_event_status(
        actor=actor,
        event=event,
        source=(EventStatus.SCHEDULED, EventStatus.LIVE),
        target=EventStatus.ENDED,
        action="launches.event.ended",
    )


# -------------------------------------------------------------------------- questions


def question_add(
    *, actor, event: LaunchEvent, prompt: str, prompt_zh: str = "", options: list[dict]
) -> LiveQuestion:
    """A question the host will put to the hall later ({label, label_zh} options)."""
    _require_host(actor, event)
    if event.status == EventStatus.ENDED:
        raise Conflict(_("This event has ended."))
    errors = {}
    prompt = (prompt or "").strip()
    if not prompt:
        errors["prompt"] = [_("Write the question.")]
    options = [o for o in options if (o.get("label") or "").strip()]
    if len(options) < 2:
        errors["options"] = [_("A question needs at least two options.")]
    elif len(options) > MAX_OPTIONS:
        errors["options"] = [_("At most %(n)d options.") % {"n": MAX_OPTIONS}]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        last = event.questions.order_by("-position").values_list("position", flat=True).first()
        question = LiveQuestion.objects.create(
            event=event,
            position=(last or 0) + 1,
            prompt=prompt[:300],
            prompt_zh=(prompt_zh or "").strip()[:300],
        )
        LiveOption.objects.bulk_create(
            LiveOption(
                question=question,
                position=n,
                label=o["label"].strip()[:200],
                label_zh=(o.get("label_zh") or "").strip()[:200],
            )
            for n, o in enumerate(options)
        )
        audit_record(actor=actor, action="launches.question.added", target=question)
    return question


def question_open(*, actor, question: LiveQuestion) -> LiveQuestion:
    event = question.event
    _require_host(actor, event)
    if ballot_queue.enabled():
        try:
            # Answers to it can only be taken in Redis: with Redis away the question
            # stays a draft (nothing is written) and the host tries again.
            ballot_queue.ping()
        except ballot_queue.UNREACHABLE as exc:
            raise HallUnavailable(
                _(
                    "The question cannot be opened while the hall's answer queue is unreachable; "
                    "it stays unasked. Please try again in a moment."
                )
            ) from exc
    with transaction.atomic():
        # The event's row lock orders this against the event ending.
        status = LaunchEvent.objects.select_for_update().values_list("status", flat=True).get(pk=event.pk)
        locked = LiveQuestion.objects.select_for_update().get(pk=question.pk)
        if status != EventStatus.LIVE:
            raise Conflict(_("Start the event before asking questions."))
        if locked.status != QuestionStatus.DRAFT:
            raise Conflict(_("This question has already been asked."))
        if LiveQuestion.objects.filter(event=event, status=QuestionStatus.OPEN).exists():
            raise Conflict(_("Close the open question first."))
        locked.status = QuestionStatus.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=["status", "opened_at"])
        audit_record(actor=actor, action="launches.question.opened", target=locked)
        record_event(verb="launches.question.opened", actor=actor, obj=locked)
        option_ids = list(locked.options.values_list("pk", flat=True))
        if ballot_queue.enabled():
            # If Redis went away since the check above, the first answer arms it.
            _after_commit(lambda: ballot_queue.arm(locked.pk, event.pk, option_ids))
        else:
            _after_commit(lambda: live.reset_counts(locked.pk, option_ids))
        _after_commit(lambda: live.push(event.pk, {"change": "question", "question": locked.pk}))
    return locked


def _stop_accepting(question_id: int) -> None:
    """With the Redis ballot queue: refuse further answers there, then store every
    answer already accepted, so the count below includes them all."""
    if ballot_queue.enabled():
        try:
            ballot_queue.drain(upto=ballot_queue.stop(question_id))
        except ballot_queue.UNREACHABLE as exc:
            # Counting without the answers Redis holds would be wrong: the question stays
            # open until Redis is back (it keeps what it accepted) and the host closes again.
            raise HallUnavailable(
                _(
                    "The answers cannot be counted while the hall's answer queue is unreachable; "
                    "the question stays open. Please try again in a moment."
                )
            ) from exc


def _close(*, actor, question: LiveQuestion) -> LiveQuestion:
    # The UPDATE waits for every cast holding the question's share lock, and casts that
    # come after it find the question closed: the tally below is final.
    LiveQuestion.objects.filter(pk=question.pk).update(status=QuestionStatus.CLOSED, closed_at=timezone.now())
    question.refresh_from_db()
    counts = live.exact_counts(question.pk)
    question.result = {
        "counts": {str(o): counts.get(o, 0) for o in question.options.values_list("pk", flat=True)},
        "total": sum(counts.values()),
    }
    question.save(update_fields=["result"])
    audit_record(actor=actor, action="launches.question.closed", target=question, data=question.result)
    record_event(verb="launches.question.closed", actor=actor, obj=question)
    _after_commit(lambda: live.push(question.event_id, {"change": "question", "question": question.pk}))
    return question


def question_close(*, actor, question: LiveQuestion) -> LiveQuestion:
    _require_host(actor, question.event)
    if LiveQuestion.objects.values_list("status", flat=True).get(pk=question.pk) != QuestionStatus.OPEN:
        raise Conflict(_("This question is not open."))
    _stop_accepting(question.pk)
    with transaction.atomic():
        status = LiveQuestion.objects.select_for_update().values_list("status", flat=True).get(pk=question.pk)
        if status != QuestionStatus.OPEN:
            raise Conflict(_("This question is not open."))
        return _close(actor=actor, question=question)


# ------------------------------------------------------------------ joining and passes


def eligibility(member, event: LaunchEvent) -> list[str]:
    problems = eligibility_problems(member, min_trust_level=event.min_trust_level)
    if member.is_suspended:
        problems.append(_("Your account is suspended."))
    return problems


def hall_pass(member_id: int, event: LaunchEvent) -> str:
    """A signed token naming the member and the event: casting checks the signature
    instead of reading a session and a user row."""
    return signing.TimestampSigner(salt=PASS_SALT).sign(f"{event.pk}:{member_id}")


def read_pass(token: str, event_id: int, *, max_age: timedelta = timedelta(days=2)) -> int:
    """The member a hall pass was issued to, for this event; HallPassInvalid (401)
    otherwise."""
    try:
        value = signing.TimestampSigner(salt=PASS_SALT).unsign(token or "", max_age=max_age)
    except signing.BadSignature:
        raise HallPassInvalid() from None
    pass_event, _sep, member_id = value.partition(":")
    if pass_event != str(event_id) or not member_id.isdigit():
        raise HallPassInvalid()
    return int(member_id)


def join(*, member, event: LaunchEvent) -> Attendance:
    if not member.is_authenticated:
        raise Forbidden(_("Sign in to join the hall."))
    if event.status == EventStatus.ENDED:
        raise Conflict(_("This event has ended."))
    problems = eligibility(member, event)
    if problems:
        raise Forbidden(" ".join(str(p) for p in problems))
    with transaction.atomic():
        attendance, created = Attendance.objects.get_or_create(event=event, member=member)
        if created:
            # With the seat, once (a second join, even a concurrent one, finds the key).
            record_event(
                verb=eventlog.JOINED,
                actor=member,
                owner=member,
                obj=event,
                occurred_at=attendance.joined_at,
                idempotency_key=eventlog.join_key(event.pk, member.pk),
            )
    if not Avatar.objects.filter(member=member).exists():
        avatar = avatars.generated(member)
        Avatar.objects.get_or_create(
            member=member,
            defaults={
                "hue": avatar.hue,
                "shape": avatar.shape,
                "eyes": avatar.eyes,
                "accessory": avatar.accessory,
            },
        )
    if created:
        _after_commit(lambda: live.attendee_joined(event.pk))
    return attendance


def avatar_update(*, member, hue, shape: str, eyes: str, accessory: str) -> Avatar:
    errors = {}
    if not isinstance(hue, int) or not 0 <= hue < 360:
        errors["hue"] = [_("Choose a colour between 0 and 359.")]
    for field, value, choices in (
        ("shape", shape, AvatarShape),
        ("eyes", eyes, AvatarEyes),
        ("accessory", accessory, AvatarAccessory),
    ):
        if value not in choices.values:
            errors[field] = [_("Choose one of the offered values.")]
    if errors:
        raise ValidationFailed(errors)
    avatar, _created = Avatar.objects.update_or_create(
        member=member, defaults={"hue": hue, "shape": shape, "eyes": eyes, "accessory": accessory}
    )
    return avatar


# -------------------------------------------------------------------------- ballots

_CAST_SQL = """
INSERT INTO launches_liveballot (question_id, option_id, member_id, cast_at)
SELECT q.id, o.id, %s, %s
FROM launches_livequestion q JOIN launches_liveoption o ON o.question_id = q.id
WHERE q.id = %s AND q.event_id = %s AND q.status = 'open' AND o.id = %s
{lock}
ON CONFLICT (question_id, member_id) DO NOTHING
RETURNING id
"""


def _cast_sql() -> str:
    # SQLite runs one writer at a time, so the check and the insert cannot interleave
    # with a close there; PostgreSQL needs the share lock.
    return _CAST_SQL.format(lock="FOR SHARE OF q" if connection.vendor == "postgresql" else "")


def _may_see(member, question: LiveQuestion) -> bool:
    """A question not asked yet is the host's surprise: only those who run the event see
    it; to anyone else it is missing (404), on every answer path."""
    return question.status != QuestionStatus.DRAFT or can_host(member, question.event)


def _why_refused(*, member_id: int, event_id: int, question_id: int, option_id: int):
    question = LiveQuestion.objects.filter(pk=question_id, event_id=event_id).select_related("event").first()
    if question is None:
        raise NotFound()
    if question.status == QuestionStatus.DRAFT:
        member = get_user_model().objects.filter(pk=member_id).first()
        if member is None or not _may_see(member, question):
            raise NotFound()
        raise Conflict(_("This question has not been asked yet."))
    if question.status == QuestionStatus.CLOSED:
        raise Conflict(_("This question is closed."))
    if not LiveOption.objects.filter(pk=option_id, question_id=question_id).exists():
        raise ValidationFailed(_("Choose one of the question's options."), field="option")
    if LiveBallot.objects.filter(question_id=question_id, member_id=member_id).exists():
        raise Conflict(_("You have already answered this question."), code="already_voted")
    raise Conflict(_("Your answer could not be recorded; try again."))


SUSPENDED_SECONDS = 30


_suspended: tuple[frozenset, float] | None = None


def _suspended_ids() -> frozenset:
    """Members suspended right now, read once per process every 30 s: the answer path
    refuses them without a query per answer (their hall pass was issued before)."""
    global _suspended
    if _suspended is None or _suspended[1] < time.monotonic():
        users = get_user_model().objects.filter(suspended_until__gt=timezone.now())
        _suspended = (frozenset(users.values_list("pk", flat=True)), time.monotonic() + SUSPENDED_SECONDS)
    return _suspended[0]


def cast(*, member_id: int, event_id: int, question_id, option_id) -> None:
    """Record the member's answer. `member_id` comes from a hall pass or a signed-in
    member who joined (the pass is only issued on joining, after the eligibility check).
    With the Redis queue, one Redis call (hall_writer stores the ballot and its event);
    without, one statement — the ballot and every check — and the answer's event, in one
    transaction, or nothing."""
    try:
        question_id, option_id = int(question_id), int(option_id)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose one of the question's options."), field="option") from None
    if not 0 < option_id < 2**63 or not 0 < question_id < 2**63:
        raise ValidationFailed(_("Choose one of the question's options."), field="option")
    if member_id in _suspended_ids():
        raise Forbidden(_("Your account is suspended."))
    if ballot_queue.enabled():
        try:
            _cast_queued(member_id=member_id, event_id=event_id, question_id=question_id, option_id=option_id)
        except ballot_queue.UNREACHABLE as exc:
            # Never stored another way (the answers Redis holds could not be checked
            # against it) and never reported as stored: the member tries again. An answer
            # Redis took just before its reply was lost is in; the retry hears so.
            raise HallUnavailable() from exc
        return
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_cast_sql(), [member_id, now, question_id, event_id, option_id])
            stored = cursor.fetchone()
        if stored is not None:
            # Without Redis there is no writer to batch for: the ballot and its event go
            # in together (with Redis, hall_writer records them as it stores the batch).
            eventlog.record_answers([(question_id, member_id, now)])
    if stored is None:
        _why_refused(member_id=member_id, event_id=event_id, question_id=question_id, option_id=option_id)
    _after_commit(lambda: live.count_ballot(question_id, option_id))


def _cast_queued(*, member_id: int, event_id: int, question_id: int, option_id: int, retry: bool = True):
    outcome = ballot_queue.cast(
        member_id=member_id, event_id=event_id, question_id=question_id, option_id=option_id
    )
    if outcome == ballot_queue.ACCEPTED:
        return
    if outcome == ballot_queue.ALREADY:
        raise Conflict(_("You have already answered this question."), code="already_voted")
    if outcome == ballot_queue.BAD_OPTION:
        raise ValidationFailed(_("Choose one of the question's options."), field="option")
    accepting = ballot_queue.state(question_id)
    if accepting == "closed":
        raise Conflict(_("This question is closed."))
    question = LiveQuestion.objects.filter(pk=question_id, event_id=event_id).first()
    if question is not None and question.status == QuestionStatus.OPEN and retry and accepting is None:
        # Redis lost the question's keys (a restart): rebuild them from the stored ballots.
        ballot_queue.drain()
        ballot_queue.arm(question_id, event_id, ballot_queue.option_ids(question_id))
        _cast_queued(
            member_id=member_id, event_id=event_id, question_id=question_id, option_id=option_id, retry=False
        )
        return
    _why_refused(member_id=member_id, event_id=event_id, question_id=question_id, option_id=option_id)


def cast_as_member(*, member, event: LaunchEvent, question_id, option_id) -> None:
    """The same, for a signed-in member posting the form or using the API. A question
    they cannot see — none, another event's, or one not asked yet (unless they run the
    event) — is NotFound, as missing; only then must they have joined (which is where
    eligibility is checked)."""
    try:
        number = int(question_id)
    except (TypeError, ValueError):
        number = 0
    question = LiveQuestion.objects.filter(pk=number, event=event).first() if 0 < number < 2**63 else None
    if question is None or not _may_see(member, question):
        raise NotFound()
    if not Attendance.objects.filter(event=event, member=member).exists():
        raise Forbidden(_("Join the hall to vote."))
    if member.is_suspended:
        raise Forbidden(_("Your account is suspended."))
    cast(member_id=member.pk, event_id=event.pk, question_id=question_id, option_id=option_id)


def cast_batch(*, event: LaunchEvent, question_id: int, ballots: list[tuple[int, int]]) -> int:
    """Many members' answers at once (member id, option id) — answers gathered at the
    venue or replayed from a queue: the same rules as `cast`, checked per batch. Members
    who are not eligible, unknown options and second answers are skipped; returns how
    many ballots were stored, each with its event in the activity log (eventlog.py), in
    one transaction. On PostgreSQL the rows go in with one COPY under the question's
    share lock; a batch that meets an earlier answer falls back to the one-statement cast
    for each of its rows.

    With the Redis queue the batch first claims its members there (the bitmap that HTTP
    answers are checked against, and the live counts). If Redis cannot be reached:
    HallUnavailable, nothing is stored, and the caller sends the same batch again later —
    the claims an earlier try made are recognised by the batch's contents, so a member it
    claimed is stored then, not skipped as "already answered"."""
    queued = ballot_queue.enabled()
    offered: dict[int, int] = {}
    claimed: dict[int, int] = {}
    batch = ""
    try:
        with transaction.atomic():
            lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT status FROM launches_livequestion WHERE id = %s AND event_id = %s" + lock,  # noqa: S608
                    [question_id, event.pk],
                )
                row = cursor.fetchone()
            if row is None:
                raise NotFound()
            if row[0] != QuestionStatus.OPEN:
                raise Conflict(
                    _("This question is closed.")
                    if row[0] == QuestionStatus.CLOSED
                    else _("This question has not been asked yet.")
                )
            options = set(LiveOption.objects.filter(question_id=question_id).values_list("pk", flat=True))
            wanted = {m: o for m, o in ballots if o in options}
            now = timezone.now()
            eligible = _eligible_members(list(wanted), min_trust_level=event.min_trust_level, now=now)
            members = [m for m in wanted if m in eligible]
            if queued:
                # Answers over HTTP are checked against the Redis bitmap: the batch sets
                # its members' bits (and counts their options) too, and leaves out those
                # who answered already.
                batch = hashlib.sha256(repr(sorted(wanted.items())).encode()).hexdigest()[:32]
                offered = {m: wanted[m] for m in members}
                fresh, again = ballot_queue.claim(question_id, offered, batch=batch)
                members = fresh + again
                claimed = {m: wanted[m] for m in members}
            rows = [(m, now, question_id, event.pk, wanted[m]) for m in members]
            stored = _insert_ballots(rows)
            eventlog.record_answers((question_id, m, at) for m, at, *_rest in stored)
            if queued and len(stored) < len(rows):
                # Members the database has an answer from already keep their bit, and
                # an answer counted just now for them is taken back. (One this batch
                # claimed and counted before is the answer stored: it stays counted.)
                kept = {row[0] for row in stored}
                _redis_after_failure(
                    ballot_queue.uncount, question_id, {m: wanted[m] for m in fresh if m not in kept}
                )
    except BaseException as exc:
        if claimed:
            # The transaction (or its commit) failed: nothing of the batch is stored.
            _redis_after_failure(ballot_queue.release, question_id, claimed, batch=batch)
        elif offered:
            # The claim's outcome is unknown (Redis may have made it and lost the reply):
            # take back whatever it claimed, so that a batch put together differently
            # stores these members too. If Redis is really away this fails (logged) and
            # the claims wait under the batch's contents for the same batch again.
            _redis_after_failure(ballot_queue.release_claimed, question_id, offered, batch=batch)
        if isinstance(exc, ballot_queue.UNREACHABLE):
            raise HallUnavailable() from exc
        raise
    if claimed:
        _redis_after_failure(ballot_queue.claims_stored, question_id, batch=batch)
    if not queued:
        counts = {}
        for row in stored:
            counts[row[4]] = counts.get(row[4], 0) + 1
        _after_commit(lambda: [live.count_ballot(question_id, o, n) for o, n in counts.items()])
    return len(stored)


def _redis_after_failure(undo, question_id: int, *args, **kwargs) -> None:
    """Tidying Redis after the database decided: if Redis is away, logged, never raised
    over what the database did. (Claims a failed batch could not take back stay under
    the batch's key for a day: sending the same batch again stores those members.)"""
    try:
        undo(question_id, *args, **kwargs)
    except ballot_queue.UNREACHABLE:
        logger.warning("launch question %s: %s skipped, Redis unreachable", question_id, undo.__name__)


def _eligible_members(member_ids: list[int], *, min_trust_level: int, now) -> set[int]:
    users = get_user_model()
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of placeholders.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {users._meta.db_table} WHERE id = ANY(%s) AND trust_level >= %s "  # noqa: S608
                "AND (suspended_until IS NULL OR suspended_until <= %s)",
                [member_ids, min_trust_level, now],
            )
            return {row[0] for row in cursor.fetchall()}
    found = users.objects.filter(pk__in=member_ids, trust_level__gte=min_trust_level)
    return set(found.exclude(suspended_until__gt=now).values_list("pk", flat=True))


def _insert_ballots(rows: list[tuple]) -> list[tuple]:
    """rows: the parameters of the cast statement (member, time, question, event, option)."""
    if connection.vendor == "postgresql" and rows:
        try:
            # wrap_database_errors: psycopg's COPY raises its own UniqueViolation.
            with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as cursor:
                copy_sql = "COPY launches_liveballot (member_id, cast_at, question_id, option_id) FROM STDIN"
                with cursor.copy(copy_sql) as copy:
                    for member_id, at, question_id, _event_id, option_id in rows:
                        copy.write_row((member_id, at, question_id, option_id))
            return rows
        except IntegrityError:
            pass  # someone in the batch had answered already: row by row below
    stored = []
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(_cast_sql(), list(row))
            if cursor.fetchone():
                stored.append(row)
    return stored
