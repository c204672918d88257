from django.db import migrations

# Model permissions each role gets in the admin. The product's own rules (who answers,
# who moderates) are checked by role in code; these let staff use the admin for the rest.
ROLE_PERMISSIONS = {
    "engineer": ["forum.view_topic", "forum.view_reply", "forum.view_board"],
    "operator": [
        "forum.view_topic", "forum.change_topic", "forum.view_reply", "forum.change_reply",
        "forum.view_board", "forum.add_board", "forum.change_board", "forum.view_flag", "forum.change_flag",
        "members.view_user", "core.view_auditentry", "activity.view_event",
    ],
    "store_manager": ["members.view_user", "activity.view_event"],
    "legal": ["core.view_auditentry", "members.view_user"],
    "founder": [
        "forum.view_topic", "forum.view_reply", "forum.view_board", "members.view_user",
        "core.view_auditentry", "activity.view_event",
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("forum", "0002_initial"),
        ("core", "0001_initial"),
        ("activity", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
