"""What editors do with a live blog: start its coverage, end it, resume it, post an update,
and delete updates keeping their last revision. The admin (liveblog/admin.py) calls these;
a view or a task would call the same functions. Who may do each is rules.py, checked by
the caller.

Coverage changes lock the live blog's row, so two editors pressing "End" at once end it
once. Posting creates a row and nothing else: no article save, no version check, so
several editors post at once.
"""

import reversion
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from . import pins
from .models import LiveBlog, LiveUpdate


def _locked(article_id):
    return LiveBlog.objects.select_for_update().filter(pk=article_id).first()


def start(article, user):
    """Make `article` a live blog whose coverage starts now. False if it already is one."""
    with transaction.atomic():
        if _locked(article.pk) is not None:
            return False
        LiveBlog.objects.create(article=article, coverage_start=timezone.now(), created_by=user)
    return True


def end(article_id):
    """End the live coverage now (the page reads as an article, updates kept). False if
    there is no live blog or its coverage has already ended."""
    with transaction.atomic():
        blog = _locked(article_id)
        if blog is None or blog.coverage_end is not None:
            return False
        blog.coverage_end = timezone.now()
        blog.save(update_fields=["coverage_end"])
        blog.touch()
    return True


def resume(article_id):
    """Make ended coverage live again. False if there is nothing to resume."""
    with transaction.atomic():
        blog = _locked(article_id)
        if blog is None or blog.coverage_end is None:
            return False
        blog.coverage_end = None
        blog.save(update_fields=["coverage_end"])
        blog.touch()
    return True


def author_profile(user):
    """The byline an update gets by default: the poster's author profile, if any."""
    return getattr(user, "author_profile", None)


def post(blog, update, user):
    """Publish `update` (unsaved, from the posting form) on `blog` now, by `user`, with a
    revision. Pinning it unpins the update pinned before: returns the updates unpinned."""
    update.live_blog = blog
    update.created_by = user
    update.author = author_profile(user)
    update.published_at = timezone.now()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("Posted.")
        update.save()
        return pins.unpin_others(update)


def keep_last_revision(updates, user):
    """Before updates are deleted: one revision of each as it was, so the admin's "Recover
    deleted" and history list it."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("Deleted.")
        for update in updates:
            reversion.add_to_revision(update)


def blog_of_deleted(update_id):
    """The live blog (its article's id) a deleted update belonged to, from the last
    revision of it (the one keep_last_revision() kept); None when it has none. One query,
    through reversion's (content type, object) index."""
    version = (
        Version.objects.get_for_model(LiveUpdate)
        .filter(object_id=str(update_id))
        .order_by("-pk")
        .first()
    )
    return version.field_dict.get("live_blog_id") if version is not None else None
