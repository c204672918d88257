from django.db import migrations, models


def mark_published_roots(apps, schema_editor):
    # Roots published before this migration were built by the first tree (an odd node
    # paired with itself); record that, so they are still rebuilt by their own rule.
    Vote = apps.get_model("governance", "Vote")
    Vote.objects.exclude(digest="").update(digest_scheme="fr-merkle-v1")


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_ballots_guarded")]

    operations = [
        migrations.AddField(
            model_name="vote",
            name="digest_scheme",
            field=models.CharField(
                blank=True, editable=False, max_length=32, null=True, verbose_name="digest scheme"
            ),
        ),
        migrations.AddField(
            model_name="vote",
            name="eligible_at_close",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="eligible members at closing"
            ),
        ),
        migrations.RunPython(mark_published_roots, migrations.RunPython.noop),
    ]
