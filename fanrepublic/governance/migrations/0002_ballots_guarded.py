from django.db import migrations

from fanrepublic.core.migration_sql import run_sql_per_vendor

# Ballots are evidence. PostgreSQL refuses deleting one, and changing one unless its vote
# is open (a member changing their ballot before closing). SQLite refuses the change;
# Django's test flush empties SQLite tables with DELETE, so deletes stay possible there.
PG_FORWARD = """
CREATE OR REPLACE FUNCTION governance_ballot_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING MESSAGE = 'ballots cannot be deleted';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM governance_vote v WHERE v.id = NEW.vote_id AND v.status = 'open')
       OR NEW.receipt <> OLD.receipt OR NEW.vote_id <> OLD.vote_id OR NEW.voter_key <> OLD.voter_key THEN
        RAISE EXCEPTION USING MESSAGE = 'a ballot changes only by its voter while the vote is open';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_ballot_guard BEFORE UPDATE OR DELETE ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_ballot_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS governance_ballot_guard ON governance_ballot;
DROP FUNCTION IF EXISTS governance_ballot_guard();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER governance_ballot_guard BEFORE UPDATE ON governance_ballot
       WHEN NOT EXISTS (SELECT 1 FROM governance_vote v WHERE v.id = NEW.vote_id AND v.status = 'open')
            OR NEW.receipt <> OLD.receipt OR NEW.voter_key <> OLD.voter_key
       BEGIN SELECT RAISE(ABORT, 'a ballot changes only by its voter while the vote is open'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS governance_ballot_guard;"]


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [
        run_sql_per_vendor(postgresql=([PG_FORWARD], [PG_BACKWARD]), sqlite=(SQLITE_FORWARD, SQLITE_BACKWARD))
    ]
