"""Inserting many rows of a model at once, for batch writers (a month's royalty
statements and their ledger transactions for ten thousand authors).

Django's `bulk_create` prepares every value of every row in Python (tens of
microseconds a row): at tens of thousands of rows that is seconds. On PostgreSQL,
`bulk_insert` sends each column as one array and inserts with `INSERT … SELECT FROM
unnest(…)`, so a row costs what the database spends on it; elsewhere it is
`bulk_create`. Rows are dicts by attribute name (`adoption_id`, not `adoption`); a column
left out takes its default (`auto_now`/`auto_now_add` fields: now), so the two paths
store the same rows. No signals are sent and no `save()` runs — as with `bulk_create`.
"""

import json

from django.db import connection, models
from django.utils import timezone

BATCH = 10000


def bulk_insert(
    model: type[models.Model],
    rows: list[dict],
    *,
    returning: tuple[str, ...] = (),
    ignore_conflicts: bool = False,
) -> list[tuple]:
    """Insert `rows`; return the `returning` columns of the inserted rows (in the order
    given on SQLite; on PostgreSQL in insertion order, so callers that need to match rows
    return a unique column with the id). With `ignore_conflicts`, rows that break a
    unique constraint are skipped (and not returned)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        created = model.objects.bulk_create(objects, batch_size=1000, ignore_conflicts=ignore_conflicts)
        if not returning:
            return []
        if ignore_conflicts:
            raise ValueError("returning with ignore_conflicts needs PostgreSQL")
        return [tuple(getattr(row, name) for name in returning) for row in created]
    found = []
    for start in range(0, len(rows), BATCH):
        found += _insert_arrays(model, rows[start : start + BATCH], returning, ignore_conflicts)
    return found


def _insert_arrays(model, rows, returning, ignore_conflicts) -> list[tuple]:
    given = set(rows[0])
    now = timezone.now()
    columns, arrays, casts = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in given:
            continue
        if field.attname in given:
            values = [row[field.attname] for row in rows]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values = [now] * len(rows)
        elif field.has_default():
            values = [field.get_default() for _row in rows]
        elif field.null:
            values = [None] * len(rows)
        else:
            raise ValueError(f"{model.__name__}.{field.name} has no value and no default")
        if isinstance(field, models.JSONField):
            values = [None if value is None else json.dumps(value) for value in values]
            cast = "jsonb[]"
        else:
            cast = f"{field.db_type(connection)}[]"
        columns.append(connection.ops.quote_name(field.column))
        arrays.append(values)
        casts.append(f"%s::{cast}")
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({', '.join(casts)})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(
            connection.ops.quote_name(model._meta.get_field(name).column) for name in returning
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [tuple(row) for row in cursor.fetchall()] if returning else []
