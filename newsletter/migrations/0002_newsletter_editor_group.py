"""Editors run the newsletter: they make, preview, test, schedule and send editions, and
look after subscribers (export, unsubscribe, erase on request). Other roles get nothing
here. get_or_create and permissions.add only, like feedback 0002, so members and
permissions an operator added by hand are kept."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = (
    "view_edition",
    "add_edition",
    "change_edition",
    "delete_edition",
    "send_edition",
    "view_editionitem",
    "add_editionitem",
    "change_editionitem",
    "delete_editionitem",
    "view_subscriber",
    "change_subscriber",
    "delete_subscriber",
    "export_subscribers",
)


def create_groups(apps, schema_editor=None):
    app_config = apps.get_app_config("newsletter")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editor")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="newsletter", codename__in=EDITOR_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
