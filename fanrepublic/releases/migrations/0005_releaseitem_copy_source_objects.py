"""Step 2 of 3: every item linked to a bounty report or a beta test report by its foreign
key now names it by source key and primary key. Reversible: going back copies the keys
into the foreign keys again (items of sources registered later have no column to go to
and lose their link)."""

from django.db import migrations
from django.db.models import Count, F

# (old foreign key on ReleaseItem, key the owning app registers in releases.sources)
MOVED = (("bounty_report", "bounty_finding"), ("beta_report", "beta_report"))


def copy_source_objects(apps, schema_editor):
    ReleaseItem = apps.get_model("releases", "ReleaseItem")
    for field, key in MOVED:
        linked = ReleaseItem.objects.filter(**{f"{field}__isnull": False})
        twice = list(linked.values("release_id", f"{field}_id").annotate(n=Count("id")).filter(n__gt=1)[:20])
        if twice:
            # 0006 allows one item per object and release; nothing was deleted, nothing guessed.
            raise RuntimeError(
                f"Release items link the same {field} twice in one release: {twice}. Remove the "
                "extra items (admin: Release items), then run the migrations again."
            )
        linked.update(source_type=key, source_id=F(f"{field}_id"))


def copy_back(apps, schema_editor):
    ReleaseItem = apps.get_model("releases", "ReleaseItem")
    for field, key in MOVED:
        ReleaseItem.objects.filter(source_type=key).update(**{f"{field}_id": F("source_id")})
    ReleaseItem.objects.update(source_type="", source_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0004_releaseitem_source_type_source_id"),
    ]

    operations = [
        migrations.RunPython(copy_source_objects, copy_back),
    ]
