"""The "Feedback staff" group: staff who see and triage reader error reports and nothing
else in the admin. Editors get the same error-report permissions (their group's article
permissions, including publishing corrections, come from articles 0004_editorial_groups).

get_or_create and permissions.add only, so it runs before or after the articles migration
and keeps members and permissions an operator added by hand. The data is frozen here;
tests rebuild the groups after a database flush by calling `create_groups` with the live
app registry.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Feedback staff": ("view_errorreport", "change_errorreport"),
    "Editor": ("view_errorreport", "change_errorreport"),
}


def create_groups(apps, schema_editor=None):
    # On a fresh database permissions are only made after every migration has run
    # (post_migrate); make the feedback app's now.
    app_config = apps.get_app_config("feedback")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="feedback", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reversing leaves the groups: they may hold people and other permissions.
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
