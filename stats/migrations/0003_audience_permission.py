"""Editors see the Audience screens (stats.view_audience); Contributors do not.

get_or_create and permissions.add only, like the other apps' group migrations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {"Editor": ("view_audience",)}


def create_groups(apps, schema_editor=None):
    app_config = apps.get_app_config("stats")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="stats", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_hit_table"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
