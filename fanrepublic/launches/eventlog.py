"""What the launch hall writes to the activity event log: every join and every answer,
exactly once (issue 11, item 7).

An answer is recorded where it is stored, in the same transaction as its ballot: by
`manage.py hall_writer` for the batch it stores from the Redis queue (not by the web
process that accepted it: the answer path stays one Redis call), by `cast_batch` for
its batch, and by `cast` itself when there is no Redis (one statement per answer then
anyway). A join is recorded by `join`, with the seat. Each event's idempotency key
names the member and the question (or event), so a batch that is stored again after a
crash records nothing twice, and a ballot and its event are stored together or not at
all.

An answer's event names the question, never the option: members' choices are shown
only as counts, so the log says that a member answered, not what (as governance does
for secret ballots)."""

from collections.abc import Iterable
from datetime import datetime

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.services import NewEvent, record_events

from .models import LiveQuestion

JOINED = "launches.event.joined"
ANSWERED = "launches.answer.cast"


def answer_key(question_id: int, member_id: int) -> str:
    return f"{ANSWERED}:{question_id}:{member_id}"


def join_key(event_id: int, member_id: int) -> str:
    return f"{JOINED}:{event_id}:{member_id}"


def record_answers(answers: Iterable[tuple[int, int, datetime]], *, channel: str = Channel.WEB) -> int:
    """(question id, member id, when) of answers just stored, in the caller's transaction.
    Returns how many events are new."""
    question_type = LiveQuestion._meta.label_lower
    return record_events(
        NewEvent(
            verb=ANSWERED,
            idempotency_key=answer_key(question_id, member_id),
            actor_id=member_id,
            owner_id=member_id,
            object_type=question_type,
            object_id=question_id,
            channel=channel,
            occurred_at=at,
        )
        for question_id, member_id, at in answers
    )
