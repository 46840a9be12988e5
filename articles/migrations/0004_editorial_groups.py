"""The newsroom's roles as groups, and the permission that separates editors from
contributors. Safe to run again: everything is get_or_create, and existing members and
extra permissions an operator added by hand are kept.

- Contributor: writes articles and uploads images; may change only their own drafts and
  submit them for review (articles.workflow enforces the rest).
- Editor: everything about articles (bylines, corrections, preview links, redirects),
  images, sections, authors and tags, plus
  articles.publish_article (publish, schedule, unpublish, archive).
- Feedback staff: no article permissions here; the feedback app adds its own.

The data is frozen in this file (migrations must not depend on application code); the
tests rebuild the groups after a database flush by calling `create_groups` with the live
app registry.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISH = ("articles", "article", "publish_article", "Can publish, schedule, unpublish and archive articles")

ALL = ("add", "change", "delete", "view")
GROUPS = {
    "Editor": {
        ("articles", "article"): ALL,
        ("articles", "articleauthor"): ALL,
        ("articles", "image"): ALL,
        ("articles", "section"): ALL,
        ("articles", "correction"): ALL,
        ("articles", "previewlink"): ALL,
        ("articles", "articleredirect"): ALL,
        ("authors", "author"): ALL,
        ("authors", "authorlink"): ALL,
        ("taggit", "tag"): ALL,
    },
    "Contributor": {
        ("articles", "article"): ("add", "change", "view"),
        ("articles", "articleauthor"): ALL,  # bylines, edited inline with their articles
        ("articles", "image"): ("add", "view"),
        ("articles", "section"): ("view",),
        ("authors", "author"): ("view",),
        ("taggit", "tag"): ("view",),
    },
    "Feedback staff": {},
}


def _has_model(apps, label, model_name):
    try:
        apps.get_model(label, model_name)
    except LookupError:
        return False
    return True


def create_groups(apps, schema_editor):
    # On a fresh database the default permissions are only made after every migration has
    # run (post_migrate); make the ones needed here now.
    for app_config in apps.get_app_configs():
        if app_config.label not in ("articles", "authors", "taggit"):
            continue
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True  # historical apps have no module
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_models

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    app_label, model, codename, name = PUBLISH
    article_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    publish, _ = Permission.objects.get_or_create(
        content_type=article_type, codename=codename, defaults={"name": name}
    )

    for group_name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for (label, model_name), actions in grants.items():
            if not _has_model(apps, label, model_name):
                continue  # moved to another app since (images: media 0002 grants them)
            for action in actions:
                wanted.append(
                    Permission.objects.get(
                        content_type__app_label=label,
                        content_type__model=model_name,
                        codename=f"{action}_{model_name}",
                    )
                )
        if group_name == "Editor":
            wanted.append(publish)
        group.permissions.add(*wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_fill_search_names"),
        ("authors", "0002_schema_for_workflow_search_corrections_import"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
