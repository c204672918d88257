from django.db import migrations

from fanrepublic.core.migration_sql import run_sql_per_vendor

# Postings and transactions are evidence: PostgreSQL refuses to change or delete them.
# SQLite refuses updates (Django's test flush empties SQLite tables with DELETE).
PG_FORWARD = """
CREATE OR REPLACE FUNCTION points_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER points_posting_immutable BEFORE UPDATE OR DELETE ON points_posting
    FOR EACH ROW EXECUTE FUNCTION points_ledger_immutable();
CREATE TRIGGER points_transaction_immutable BEFORE UPDATE OR DELETE ON points_transaction
    FOR EACH ROW EXECUTE FUNCTION points_ledger_immutable();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS points_posting_immutable ON points_posting;
DROP TRIGGER IF EXISTS points_transaction_immutable ON points_transaction;
DROP FUNCTION IF EXISTS points_ledger_immutable();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER points_posting_no_update BEFORE UPDATE ON points_posting
       BEGIN SELECT RAISE(ABORT, 'points_posting is append-only'); END;""",
    """CREATE TRIGGER points_transaction_no_update BEFORE UPDATE ON points_transaction
       BEGIN SELECT RAISE(ABORT, 'points_transaction is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS points_posting_no_update;",
    "DROP TRIGGER IF EXISTS points_transaction_no_update;",
]

class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [
        run_sql_per_vendor(postgresql=([PG_FORWARD], [PG_BACKWARD]), sqlite=(SQLITE_FORWARD, SQLITE_BACKWARD))
    ]
