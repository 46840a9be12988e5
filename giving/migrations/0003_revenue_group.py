"""The "Revenue" group: staff who see reader revenue (supporters, gifts, donations, the
numbers), refund and export. No other group gets any giving permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = (
    "view_supporter",
    "view_gift",
    "view_donation",
    "view_revenue",
    "refund_donation",
    "export_supporters",
)


def create_group(apps, schema_editor=None):
    app_config = apps.get_app_config("giving")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Revenue")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="giving", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("giving", "0002_donation_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
