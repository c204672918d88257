from django.db import migrations

from fanrepublic.core.migration_sql import run_sql_per_vendor

# GIN indexes over the jieba-segmented documents (see core.search), in exactly the form
# core.search.SimpleTextSearch queries them. PostgreSQL only: SQLite scans.
FORWARD = [
    "CREATE INDEX IF NOT EXISTS forum_topic_search ON forum_topic "
    "USING gin (to_tsvector('simple'::regconfig, search_document))",
    "CREATE INDEX IF NOT EXISTS forum_reply_search ON forum_reply "
    "USING gin (to_tsvector('simple'::regconfig, search_document))",
]
BACKWARD = ["DROP INDEX IF EXISTS forum_topic_search", "DROP INDEX IF EXISTS forum_reply_search"]

class Migration(migrations.Migration):
    dependencies = [("forum", "0002_initial")]
    operations = [run_sql_per_vendor(postgresql=(FORWARD, BACKWARD), sqlite=([], []))]
