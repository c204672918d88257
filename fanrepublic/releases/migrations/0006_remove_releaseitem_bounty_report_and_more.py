"""Step 3 of 3: releases no longer holds a foreign key into the bounty or the betas; the
generic link is held by its constraints (a key always with a number, one item per object
and release) and an index for "has this object shipped?"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0005_releaseitem_copy_source_objects"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="releaseitem",
            name="bounty_report",
        ),
        migrations.RemoveField(
            model_name="releaseitem",
            name="beta_report",
        ),
        migrations.AddIndex(
            model_name="releaseitem",
            index=models.Index(fields=["source_type", "source_id"], name="release_item_source"),
        ),
        migrations.AddConstraint(
            model_name="releaseitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_id__isnull", False)),
                fields=("release", "source_type", "source_id"),
                name="release_item_source_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="releaseitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("source_id__isnull", True), ("source_type", "")),
                    models.Q(models.Q(("source_type", ""), _negated=True), ("source_id__isnull", False)),
                    _connector="OR",
                ),
                name="release_item_source_type_with_id",
            ),
        ),
    ]
