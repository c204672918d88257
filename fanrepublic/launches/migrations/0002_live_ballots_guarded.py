from django.db import migrations

from fanrepublic.core.migration_sql import run_sql_per_vendor

# An answer given in the hall is final: PostgreSQL refuses changing or deleting one.
# SQLite refuses the change; Django's test flush empties SQLite tables with DELETE, so
# deletes stay possible there.
PG_FORWARD = """
CREATE OR REPLACE FUNCTION launches_liveballot_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'live ballots cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER launches_liveballot_guard BEFORE UPDATE OR DELETE ON launches_liveballot
    FOR EACH ROW EXECUTE FUNCTION launches_liveballot_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS launches_liveballot_guard ON launches_liveballot;
DROP FUNCTION IF EXISTS launches_liveballot_guard();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER launches_liveballot_guard BEFORE UPDATE ON launches_liveballot
       BEGIN SELECT RAISE(ABORT, 'live ballots cannot be changed or deleted'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS launches_liveballot_guard;"]


class Migration(migrations.Migration):
    dependencies = [("launches", "0001_initial")]
    operations = [
        run_sql_per_vendor(postgresql=([PG_FORWARD], [PG_BACKWARD]), sqlite=(SQLITE_FORWARD, SQLITE_BACKWARD))
    ]
