"""Editors may list embeds and look them up again; contributors may list them. Safe to run
again (get_or_create; permissions an operator added by hand are kept)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Editor": ("view", "change"), "Contributor": ("view",)}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("embeds")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, actions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="embeds",
                codename__in=[f"{action}_embed" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("embeds", "0001_initial"),
        ("articles", "0004_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
