"""The append-only event log, its handler registry and external ingestion."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from fanrepublic.activity import registry
from fanrepublic.activity.models import Event
from fanrepublic.activity.services import NewEvent, record_event, record_events
from fanrepublic.activity.tasks import HandlerErrors, dispatch_events
from fanrepublic.core.capabilities import declared_verbs
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _test_verbs():
    with declared_verbs("test.thing.happened", "test.fail.now", "nobody.listens.here"):
        yield


@pytest.fixture
def handler_calls():
    calls = []

    def handler(event):
        calls.append(event.verb)

    registry.on("test.thing.*")(handler)
    yield calls
    for handlers in registry._handlers.values():
        if handler in handlers:
            handlers.remove(handler)


class TestRecordEvent:
    def test_handlers_run_after_commit_only(self, handler_calls, on_commit):
        with on_commit() as callbacks:
            record_event(verb="test.thing.happened", actor=MemberFactory())
            assert handler_calls == []  # nothing before the commit
        assert len(callbacks) == 1
        assert handler_calls == ["test.thing.happened"]

    def test_rolled_back_event_never_reaches_handlers(self, handler_calls, on_commit):
        with on_commit():
            try:
                with transaction.atomic():
                    record_event(verb="test.thing.happened")
                    raise RuntimeError("the write failed")
            except RuntimeError:
                pass
        assert handler_calls == [] and Event.objects.count() == 0

    def test_idempotency_key_stores_once_and_skips_handlers_on_replay(self, handler_calls, on_commit):
        with on_commit():
            first, created = record_event(verb="test.thing.happened", idempotency_key="k-1")
            again, created_again = record_event(verb="test.thing.happened", idempotency_key="k-1")
        assert created and not created_again and first.pk == again.pk
        assert Event.objects.filter(idempotency_key="k-1").count() == 1
        assert handler_calls == ["test.thing.happened"]

    def test_verbs_are_validated(self):
        with pytest.raises(ValueError):
            record_event(verb="Not A Verb")

    def test_a_verb_no_app_declares_is_refused(self):
        # Given a well-formed verb that is in no app's capability.py
        # When the platform tries to record it, then nothing is stored.
        with pytest.raises(ValueError, match="not declared"):
            record_event(verb="forum.topic.teleported")
        assert Event.objects.count() == 0

    def test_no_handler_no_task(self, on_commit):
        with on_commit() as callbacks:
            record_event(verb="nobody.listens.here")
        assert callbacks == []

    def test_events_cannot_be_changed(self):
        event, _ = record_event(verb="test.thing.happened")
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(verb="test.thing.rewritten")
        event.refresh_from_db()
        assert event.verb == "test.thing.happened"

    @pytest.mark.postgres
    def test_postgres_refuses_deleting_events(self):
        event, _ = record_event(verb="test.thing.happened")
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            Event.objects.filter(pk=event.pk).delete()
        assert Event.objects.filter(pk=event.pk).exists()


class TestRecordEvents:
    """The bulk form, for writers that store work in batches (the launch hall's answers)."""

    def test_a_batch_is_stored_once_and_a_replay_stores_nothing(self, handler_calls, on_commit):
        # Given a batch of three events (one key twice), by id, as a batch writer has them
        fan = MemberFactory()
        batch = [
            NewEvent(
                verb="test.thing.happened",
                idempotency_key=f"batch:{n % 3}",
                actor_id=fan.pk,
                owner_id=fan.pk,
                object_type="members.user",
                object_id=fan.pk,
                properties={"n": n % 3},
            )
            for n in range(4)
        ]
        # When it is recorded, then three events are stored, the first of each key, and
        # handlers run after commit for each
        with on_commit():
            assert record_events(batch) == 3
        stored = Event.objects.filter(idempotency_key__startswith="batch:").order_by("idempotency_key")
        assert [(e.actor_id, e.owner_id, e.object_id, e.properties) for e in stored] == [
            (fan.pk, fan.pk, str(fan.pk), {"n": n}) for n in range(3)
        ]
        assert all(e.integration_id is None and e.channel == "web" for e in stored)
        assert handler_calls == ["test.thing.happened"] * 3
        # And recording the batch again (a writer replaying it) stores and dispatches nothing.
        with on_commit() as callbacks:
            assert record_events(batch) == 0
        assert callbacks == [] and stored.count() == 3 and len(handler_calls) == 3

    def test_keys_stored_one_by_one_are_replays_too_and_only_the_new_ones_are_stored(self):
        # (with no handler listening, PostgreSQL tries one COPY first, then falls back)
        record_event(verb="nobody.listens.here", idempotency_key="single")
        again = NewEvent(verb="nobody.listens.here", idempotency_key="single")
        fresh = NewEvent(verb="nobody.listens.here", idempotency_key="fresh")
        assert record_events([again]) == 0
        assert record_events([again, fresh]) == 1
        assert Event.objects.filter(verb="nobody.listens.here").count() == 2

    def test_undeclared_verbs_missing_keys_and_unknown_channels_store_nothing(self):
        good = NewEvent(verb="test.thing.happened", idempotency_key="good")
        for bad in (
            NewEvent(verb="forum.topic.teleported", idempotency_key="k"),
            NewEvent(verb="test.thing.happened", idempotency_key=""),
            NewEvent(verb="test.thing.happened", idempotency_key="k", channel="pigeon"),
        ):
            with pytest.raises(ValueError):
                record_events([good, bad])
        assert Event.objects.count() == 0
        assert record_events([]) == 0


class TestRegistry:
    def test_patterns(self):
        def h(event):
            return None

        registry.on("a.b.c", "x.*")(h)
        try:
            assert h in registry.handlers_for("a.b.c")
            assert h in registry.handlers_for("x.y.z")
            assert h not in registry.handlers_for("a.b.d")
        finally:
            for handlers in registry._handlers.values():
                if h in handlers:
                    handlers.remove(h)

    def test_a_failing_handler_does_not_stop_the_others_and_the_task_retries(self):
        seen = []

        def broken(event):
            raise RuntimeError("boom")

        def fine(event):
            seen.append(event.pk)

        registry.on("test.fail.now")(broken)
        registry.on("test.fail.now")(fine)
        try:
            event, _ = record_event(verb="test.fail.now")
            with pytest.raises(HandlerErrors):
                dispatch_events.run([event.pk])
            assert seen == [event.pk]
        finally:
            registry._handlers["test.fail.now"].clear()
