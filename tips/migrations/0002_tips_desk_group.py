"""The "Tips desk" group: the only staff (besides superusers) who see the tip inbox, reply
to sources and delete tips. No other group gets any of these permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Tips desk": (
        "view_tip", "change_tip", "delete_tip", "view_source", "delete_source",
        "add_reply", "view_reply",
    ),
}


def create_groups(apps, schema_editor=None):
    app_config = apps.get_app_config("tips")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="tips", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
