"""The content types of Image and TaggedImage move from the articles app to media, with the
rows that point at them: permissions (now `media.change_image` and so on, still held by the
same groups and people), admin log entries and django-reversion versions. The rendition
task's queued runs are pointed at its new module (`media.tasks`). Then the newsroom's
groups get the media library's permissions, as articles 0004 gave them.

On a database made before the move the rows are renamed, not made again. A media content
type that already exists (post_migrate of an earlier partial migrate) is merged into the
moved one: its permissions' holders keep them. The data is frozen here; tests rebuild the
groups after a database flush by calling `create_groups` with the live app registry.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("image", "taggedimage")
ALL = ("add", "change", "delete", "view")
GROUPS = {
    "Editor": ALL,
    "Contributor": ("add", "view"),
}


def _move(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        moving = ContentType.objects.filter(app_label=source, model=model).first()
        if moving is None:
            continue
        there = ContentType.objects.filter(app_label=target, model=model).first()
        if there is not None:
            for permission in Permission.objects.filter(content_type=there):
                kept = Permission.objects.filter(
                    content_type=moving, codename=permission.codename
                ).first()
                if kept is None:
                    permission.content_type = moving
                    permission.save(update_fields=["content_type"])
                    continue
                kept.group_set.add(*permission.group_set.all())
                kept.user_set.add(*permission.user_set.all())
                permission.delete()
            there.delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def move_content_types(apps, schema_editor):
    _move(apps, "articles", "media")


def move_content_types_back(apps, schema_editor):
    _move(apps, "media", "articles")


OLD_TASK = "articles.tasks.make_image_renditions"
NEW_TASK = "media.tasks.make_image_renditions"


def _point_runs(apps, old, new):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=old).update(task_path=new)


def point_runs_at_the_moved_task(apps, schema_editor):
    _point_runs(apps, OLD_TASK, NEW_TASK)


def point_runs_back(apps, schema_editor):
    _point_runs(apps, NEW_TASK, OLD_TASK)


def create_groups(apps, schema_editor=None):
    # On a fresh database permissions are only made after every migration has run
    # (post_migrate); make the media app's now.
    app_config = apps.get_app_config("media")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="media",
                codename__in=[f"{action}_image" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0001_initial"),
        ("articles", "0015_image_moves_to_media"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
        # Queued (and kept) runs of the rendition task name it by its module: the worker
        # finds it in media.tasks now.
        migrations.RunPython(point_runs_at_the_moved_task, point_runs_back),
        # Reversing leaves the groups: they may hold people and other permissions.
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
