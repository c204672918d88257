from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="security")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="security").delete()


class Migration(migrations.Migration):
    """The security triage group: the only staff who see security reports of the bug
    bounty before they are disclosed."""

    dependencies = [("members", "0003_user_country")]

    operations = [migrations.RunPython(create_group, remove_group)]
