"""The planning desk's permissions for the newsroom's groups: Editors plan (budget lines,
diary events) and see freelance fees; Contributors see the lines assigned to them
(planning.models.BudgetLineQuerySet.visible_to narrows the list) and start their drafts.

get_or_create and permissions.add only, like the other apps' group migrations; tests
rebuild the groups after a flush by calling `create_groups` with the live registry."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Editor": (
        "add_budgetline", "change_budgetline", "delete_budgetline", "view_budgetline",
        "view_commissions", "add_event", "change_event", "delete_event", "view_event",
    ),
    "Contributor": ("view_budgetline", "view_event"),
}


def create_groups(apps, schema_editor=None):
    app_config = apps.get_app_config("planning")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="planning", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
