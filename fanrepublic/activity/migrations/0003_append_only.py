from django.db import migrations

from fanrepublic.core.migration_sql import run_sql_per_vendor

# On PostgreSQL the database itself refuses to change or delete an event; only the
# actor/owner references may be cleared (when a member's account is erased).
PG_FORWARD = """
CREATE OR REPLACE FUNCTION activity_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'activity_event is append-only';
    END IF;
    IF (NEW.id, NEW.idempotency_key, NEW.verb, NEW.object_type, NEW.object_id, NEW.channel,
        NEW.source, NEW.occurred_at, NEW.recorded_at, NEW.properties::text)
       IS DISTINCT FROM
       (OLD.id, OLD.idempotency_key, OLD.verb, OLD.object_type, OLD.object_id, OLD.channel,
        OLD.source, OLD.occurred_at, OLD.recorded_at, OLD.properties::text) THEN
        RAISE EXCEPTION 'activity_event is append-only';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_event_append_only
    BEFORE UPDATE OR DELETE ON activity_event
    FOR EACH ROW EXECUTE FUNCTION activity_event_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS activity_event_append_only ON activity_event;
DROP FUNCTION IF EXISTS activity_event_append_only();
"""
# SQLite has triggers too; RAISE(ABORT) stops the statement. Only updates are refused
# there: Django's test flush empties SQLite tables with DELETE (PostgreSQL uses TRUNCATE,
# which row triggers do not see), and no code path or admin page deletes events.
SQLITE_FORWARD = [
    """CREATE TRIGGER activity_event_no_update BEFORE UPDATE OF idempotency_key, verb, object_type,
       object_id, channel, source, occurred_at, recorded_at, properties ON activity_event
       BEGIN SELECT RAISE(ABORT, 'activity_event is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS activity_event_no_update;",
]

class Migration(migrations.Migration):
    dependencies = [("activity", "0002_initial")]
    operations = [
        run_sql_per_vendor(postgresql=([PG_FORWARD], [PG_BACKWARD]), sqlite=(SQLITE_FORWARD, SQLITE_BACKWARD))
    ]
