from django.conf import settings
from django.db import migrations, models

from fanrepublic.core.migration_sql import run_sql_per_vendor

# SQLite adds a NOT NULL column or a check constraint by rebuilding the vote table, and
# the rebuild's rename fails while the ballot guard (0002) names that table. The guard
# steps aside for the rebuild and comes back as it was; PostgreSQL alters in place.
SQLITE_GUARD = """CREATE TRIGGER governance_ballot_guard BEFORE UPDATE ON governance_ballot
       WHEN NOT EXISTS (SELECT 1 FROM governance_vote v WHERE v.id = NEW.vote_id AND v.status = 'open')
            OR NEW.receipt <> OLD.receipt OR NEW.voter_key <> OLD.voter_key
       BEGIN SELECT RAISE(ABORT, 'a ballot changes only by its voter while the vote is open'); END;"""
SQLITE_DROP_GUARD = "DROP TRIGGER IF EXISTS governance_ballot_guard;"


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0002_perks"),
        ("governance", "0003_digest_scheme_eligible_at_close"),
        ("products", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        run_sql_per_vendor(sqlite=([SQLITE_DROP_GUARD], [SQLITE_GUARD])),
        migrations.AddField(
            model_name="vote",
            name="owners_verified_only",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Owners count only when a purchase or a registered serial number shows it, "
                    "not by their own word. Needs a product and owners only."
                ),
                verbose_name="verified owners only",
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("owners_verified_only", False),
                    models.Q(("owners_only", True), ("product_line__isnull", False)),
                    _connector="OR",
                ),
                name="vote_verified_owners_of_a_product",
                violation_error_message="Verified owners only needs a product and owners only.",
            ),
        ),
        run_sql_per_vendor(sqlite=([SQLITE_GUARD], [SQLITE_DROP_GUARD])),
    ]
