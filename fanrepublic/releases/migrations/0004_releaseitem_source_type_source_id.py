"""Release items name the object they came from generically (issue 11): the registered
source's key in `source_type`, the object's primary key in `source_id`. Step 1 of 3: the
new columns; 0005 copies the bounty and beta links into them; 0006 drops the old foreign
keys and adds the constraints."""

import fanrepublic.releases.sources
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0003_releaseitem_beta_report"),
    ]

    operations = [
        migrations.AddField(
            model_name="releaseitem",
            name="source_type",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="source"),
        ),
        migrations.AddField(
            model_name="releaseitem",
            name="source_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="number at the source"),
        ),
        migrations.AlterField(
            model_name="releaseitem",
            name="source",
            field=models.CharField(
                choices=fanrepublic.releases.sources.choices, max_length=20, verbose_name="came from"
            ),
        ),
    ]
