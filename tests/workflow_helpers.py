"""Helpers for the editorial-workflow tests: users in the newsroom's groups, and change-form
data exactly as the admin renders it (so a test POSTs what a browser would)."""

import importlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

PASSWORD = "correct-horse-battery"


# Every data migration that makes a newsroom group or gives one permissions, in migration
# order (the editorial groups first: later ones add to the Editor group).
GROUP_MIGRATIONS = [
    ("articles.migrations.0004_editorial_groups", "create_groups"),
    ("media.migrations.0002_image_content_types", "create_groups"),
    ("feedback.migrations.0002_feedback_staff_group", "create_groups"),
    ("embeds.migrations.0002_editors_see_embeds", "grant"),
    ("liveblog.migrations.0002_roles", "create_groups"),
    ("newsletter.migrations.0002_newsletter_editor_group", "create_groups"),
    ("newsletter.migrations.0005_story_clicks", "grant_editors"),
    ("planning.migrations.0002_planning_groups", "create_groups"),
    ("giving.migrations.0003_revenue_group", "create_group"),
    ("tips.migrations.0002_tips_desk_group", "create_groups"),
    ("stats.migrations.0003_audience_permission", "create_groups"),
]


def ensure_groups():
    """Every group and permission the data migrations give; rebuilt when a transactional
    test flushed them (a flush keeps the tables, not the migrations' rows)."""
    for module, function in GROUP_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def member(role, username, **extra):
    ensure_groups()
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, **extra
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _value(data, name, field, value):
    from datetime import date, datetime

    if value is None:
        return
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        data[f"{name}_0"] = local.strftime("%Y-%m-%d")
        data[f"{name}_1"] = local.strftime("%H:%M:%S")
    elif isinstance(value, date):
        data[name] = value.isoformat()
    elif isinstance(value, bool):
        if value:
            data[name] = "on"
    elif isinstance(value, (list, tuple)):
        data[name] = [str(v) for v in value]
    else:
        data[name] = str(value)


def form_data(response, **overrides):
    """POST data for the admin change (or add) form in `response`, with `overrides`."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        _value(data, name, field, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for sub in formset.forms:
            for name, field in sub.fields.items():
                _value(data, sub.add_prefix(name), field, sub[name].value())
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def split(moment):
    local = timezone.localtime(moment)
    return {
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }


def new_article_data(section=None, image=None, author=None, **extra):
    data = {
        "title": "Radar upgrade for coastal batteries",
        "slug": "radar-upgrade-coastal-batteries",
        "standfirst": "Six sites get new sensors by 2028.",
        "body": "<p>The contract covers six coastal sites.</p>",
        "status": "draft",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    if section:
        data["section"] = section.pk
    if image:
        data["lead_image"] = image.pk
    if author:
        data.update({"bylines-TOTAL_FORMS": "1", "bylines-0-author": author.pk})
        data["bylines-0-position"] = "0"
    data.update(extra)
    return data


def number_rows_from(model, first_id):
    """Make the next row of `model` get id `first_id`: on a real site, bylines, tags and
    corrections are numbered far from articles, so a row's id can be another object's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
            [model._meta.db_table, first_id],
        )


def inline_management(prefix="bylines", total=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    if prefix == "bylines":  # the article form also carries the (empty) corrections inline
        data.update(inline_management("corrections"))
    return data


def complete_article(**kwargs):
    """An article with everything publishing needs (a lead image with alt text, an author)."""
    from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

    kwargs.setdefault("lead_image", ImageFactory())
    kwargs.setdefault("authors", [AuthorFactory()])
    return ArticleFactory(**kwargs)
