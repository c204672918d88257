"""Raw SQL in migrations that differs per database (triggers, expression indexes).

Keep this stable: migrations import it.
"""

from django.db import migrations


def run_sql_per_vendor(
    *, postgresql: tuple[list[str], list[str]] = ([], []), sqlite: tuple[list[str], list[str]] = ([], [])
) -> migrations.RunPython:
    """A RunPython operation that runs (forward statements, backward statements) for the
    connection's vendor and nothing elsewhere."""
    per_vendor = {"postgresql": postgresql, "sqlite": sqlite}

    def run(direction: int):
        def apply(apps, schema_editor):
            for sql in per_vendor.get(schema_editor.connection.vendor, ([], []))[direction]:
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(0), run(1))
