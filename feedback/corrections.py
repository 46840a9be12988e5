"""Publishing a correction from a reader's report: the correction and the fix to the
article's text are saved together, as one revision of the article, so readers can see
exactly what the correction changed (articles/changes.py).

Everything happens in one transaction with the article's row locked, so nobody's save
slips in between the edit-conflict check and this one.
"""

from dataclasses import dataclass

import reversion
from django.db import transaction
from reversion.models import Version

from articles import revisions, workflow
from articles.models import Article, Correction
from core.tasks import enqueue_on_commit

from . import tasks
from .models import ErrorReport

TEXT_FIELDS = ["title", "standfirst", "body"]


class EditConflict(Exception):
    """Someone saved the article after the editor opened the correction screen."""

    def __init__(self, message, version):
        super().__init__(message)
        self.message, self.version = message, version


class ArticleGone(Exception):
    """The article was deleted while the editor was writing the correction."""


@dataclass(frozen=True)
class Published:
    correction: Correction
    text_changed: bool


def text_of(article):
    return {name: getattr(article, name) for name in TEXT_FIELDS}


def would_change_text(original, cleaned):
    """Would saving these cleaned fields change the text (a dict, from text_of() before the
    form touched the article) as readers read it?"""
    return revisions.text_changed(original, {**original, **cleaned})


def _latest_version(article):
    return Version.objects.get_for_object(article).order_by("-pk").first()


def keep_baseline(article, user):
    """Make sure the article's history ends with the text as it is now, so the correction's
    revision can be compared with it: an article never saved through the admin (imported,
    or made by a script) has no revision yet, and one changed outside the admin has a stale
    one."""
    latest = _latest_version(article)
    if latest is not None and not revisions.text_changed(
        revisions.stored_text(latest), text_of(article)
    ):
        return
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("The text as it was before the correction.")
        reversion.add_to_revision(article)


def publish(report, correction_form, text_form, user):
    """Save the correction and the article's corrected text as one revision, resolve the
    report and, after the commit, tell the reader if they asked. Raises EditConflict or
    ArticleGone (nothing is saved then)."""
    with transaction.atomic():
        stored = workflow.lock_stored(report.article_id)
        if stored is None:
            raise ArticleGone
        if text_form.cleaned_data["loaded_version"] != stored.version:
            raise EditConflict(workflow.conflict_message(stored.pk), stored.version)
        current = Article.objects.get(pk=stored.pk)  # the whole row, read under the lock
        changed = revisions.text_changed(
            text_of(current), {name: text_form.cleaned_data[name] for name in TEXT_FIELDS}
        )
        keep_baseline(current, user)
        with reversion.create_revision():
            reversion.set_user(user)
            kind = correction_form.instance.get_kind_display()
            reversion.set_comment(
                f"{kind} published from reader report #{report.pk}"
                + (", with the corrected text." if changed else "; the text was not changed.")
            )
            for name in TEXT_FIELDS:
                setattr(current, name, text_form.cleaned_data[name])
            current.version = stored.version + 1
            current.save(update_fields=[*TEXT_FIELDS, "version", "modified"])
            correction = correction_form.save(commit=False)
            correction.article = current
            correction.created_by = user
            correction.save()
        if changed:
            correction.revision = _latest_version(current).revision
            correction.save(update_fields=["revision"])
        report.correction = correction
        report.status = ErrorReport.Status.FIXED
        report.assignee = report.assignee or user
        report.save()
        if report.can_reply:
            enqueue_on_commit(tasks.tell_reader_about_correction, report.pk)
    return Published(correction, changed)
