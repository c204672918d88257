"""The append-only event log, its handler registry and external ingestion."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from fanrepublic.activity import registry
from fanrepublic.activity.models import Event
from fanrepublic.activity.services import events_ingest, record_event
from fanrepublic.activity.tasks import HandlerErrors, dispatch_events
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


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


def item(key="k1", **over):
    base = {
        "idempotency_key": key,
        "verb": "store.purchase",
        "occurred_at": "2026-11-01T10:00:00+08:00",
        "properties": {"sku": "SU7-MAX", "amount": "299900.00"},
        "channel": "store",
    }
    base.update(over)
    return base


class TestIngest:
    def test_batch_with_good_bad_and_duplicate_items(self):
        member = MemberFactory()
        results = events_ingest(
            items=[
                item("a", actor=member.pk),
                item("b", verb="NOT OK"),
                item("a", actor=member.pk),
                item("c", occurred_at="yesterday"),
                item("d", actor=999999),
                "not an object",
                item("e", occurred_at="2026-11-01T10:00:00"),
                item("f", channel="fax"),
                item("g", properties=[1, 2]),
            ],
            source="test",
        )
        statuses = [r.status for r in results]
        assert statuses == [
            "created",
            "rejected",
            "duplicate",
            "rejected",
            "rejected",
            "rejected",
            "rejected",
            "rejected",
            "rejected",
        ]
        assert "verb" in results[1].errors and "occurred_at" in results[3].errors
        assert "actor" in results[4].errors and "occurred_at" in results[6].errors
        assert "channel" in results[7].errors and "properties" in results[8].errors
        stored = Event.objects.get(idempotency_key="a")
        assert stored.actor == member and stored.channel == "store" and stored.source == "test"
        assert results[0].id == stored.pk == results[2].id

    def test_replayed_batch_is_stored_once(self):
        first = events_ingest(items=[item("x"), item("y")], source="t")
        second = events_ingest(items=[item("x"), item("y")], source="t")
        assert [r.status for r in first] == ["created", "created"]
        assert [r.status for r in second] == ["duplicate", "duplicate"]
        assert [r.id for r in first] == [r.id for r in second]
        assert Event.objects.count() == 2

    def test_batches_over_the_limit_are_refused_whole(self, settings):
        settings.EVENT_INGEST_MAX_BATCH = 3
        with pytest.raises(ValidationFailed):
            events_ingest(items=[item(str(i)) for i in range(4)], source="t")
        assert Event.objects.count() == 0

    def test_future_events_are_refused(self):
        (result,) = events_ingest(items=[item("f", occurred_at="2099-01-01T00:00:00+00:00")], source="t")
        assert result.status == "rejected"
