"""The newsroom's roles get this app's permissions (liveblog/rules.py says what each may
do): editors everything; contributors post, change and delete updates (their own, on
their own articles: the rules check that) and see live blogs. get_or_create and
permissions.add only, so members and permissions an operator added by hand are kept.
The data is frozen here; tests rebuild the groups after a database flush by calling
`create_groups` with the live app registry."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")
GROUPS = {
    "Editor": {"liveblog": ALL, "liveupdate": ALL, "updatecorrection": ALL},
    "Contributor": {"liveblog": ("view",), "liveupdate": ALL, "updatecorrection": ("view",)},
}


def create_groups(apps, schema_editor=None):
    app_config = apps.get_app_config("liveblog")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="liveblog", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("liveblog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
