"""SearchTerm's content type follows the model from the articles app to search, with its
permissions, so groups and users that were given one keep it. Safe to run again.

The row is renamed in place (its id, and so every permission and group that names it, stay
as they are). When both rows exist (the new one made by `migrate`'s post_migrate before
this ran), the new one is kept: it gets the old one's permissions, groups and users are
given the new permission for each old one they had, and the old row goes."""

from django.db import migrations

MODEL = "searchterm"


def move(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label=from_label, model=MODEL).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=to_label, model=MODEL).first()
    if new is None:
        old.app_label = to_label
        old.save(update_fields=["app_label"])
        return
    for permission in Permission.objects.filter(content_type=old):
        twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
        if twin is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(twin)
        for user in permission.user_set.all():
            user.user_permissions.add(twin)
        permission.delete()
    old.delete()


def forwards(apps, schema_editor):
    move(apps, "articles", "search")


def backwards(apps, schema_editor):
    move(apps, "search", "articles")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("articles", "0015_searchterm_moves_to_search"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
