"""Publishing a correction from a reader's report: the correction and the fix to the
article's text are saved together, as one revision of the article, so readers can see
exactly what the correction changed (articles/changes.py).

Before the screen opens, blocked() says why a report cannot lead to a correction (not
about an article, the user may not, already corrected); publish_from_report() refuses a
"correction" that changes nothing without saying so, and still_quoted() warns when the
words the reader quoted are still in the text. The admin (feedback/admin.py) calls these.

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

from . import rules, tasks
from .models import ErrorReport

TEXT_FIELDS = ["title", "standfirst", "body"]


class EditConflict(Exception):
    """Someone saved the article after the editor opened the correction screen."""

    def __init__(self, message, version):
        super().__init__(message)
        self.message, self.version = message, version


class NotPublished(Exception):
    """Nothing was saved, for the reason in the message (shown on the form)."""


class ArticleGone(NotPublished):
    """The article was deleted while the editor was writing the correction."""

    def __init__(self):
        super().__init__("The article was deleted while you were writing; nothing saved.")


TEXT_UNCHANGED = (
    "The article's text is unchanged. Fix the words beside the correction, or tick “The "
    "article's text needs no change” for a clarification or note."
)
NOT_ABOUT_AN_ARTICLE = (
    "This report is not about an article, so there is nothing to correct here. Fix the "
    "page, then resolve the report."
)
ALREADY_CORRECTED = (
    "This report already led to a correction. Edit it on the article if it needs changing."
)


@dataclass(frozen=True)
class Blocked:
    """Why no correction can be made from a report: a `warning` to show on the report, or
    `refusal` (rules.correction_refusal) for the page saying who can."""

    warning: str = ""
    refusal: object = None


def blocked(report, user):
    """Why `user` cannot publish a correction from `report` (a Blocked), or None."""
    if report.article_id is None:
        return Blocked(warning=NOT_ABOUT_AN_ARTICLE)
    refusal = rules.correction_refusal(user, report)
    if refusal is not None:
        return Blocked(refusal=refusal)
    if report.correction_id:
        return Blocked(warning=ALREADY_CORRECTED)
    return None


def quoted_words(report):
    """The words the reader quoted, without the quotation marks around them."""
    return report.quoted_text.strip().strip('“”"').strip()


def still_quoted(report, body):
    """Does `body` (an article's HTML) still contain the words the reader quoted? Shown
    beside the correction form, and as a warning once the corrected text is saved."""
    quoted = quoted_words(report)
    return bool(quoted) and quoted.lower() in " ".join(revisions.paragraphs(body)).lower()


@dataclass(frozen=True)
class Published:
    correction: Correction
    text_changed: bool

    def summary(self, report):
        """What was done, for the editor."""
        kind = self.correction.get_kind_display().lower()
        return (
            f"The {kind} is on the article"
            + (" with the corrected text" if self.text_changed else "")
            + " and the report is resolved."
            + (" The reader will be told by e-mail." if report.can_reply else "")
        )

    def quote_warning(self, report):
        """A warning when the corrected text still has the words the reader quoted."""
        if self.text_changed and still_quoted(report, self.correction.article.body):
            return (
                f"The article still contains the words the reader quoted "
                f"(“{quoted_words(report)}”). Check that this is right."
            )
        return ""


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


def publish_from_report(report, correction_form, text_form, original, user):
    """publish(), unless the article's text (`original`, from text_of() before the form
    touched the article) would not change and the editor did not say that is meant: then
    NotPublished. Raises EditConflict or NotPublished; nothing is saved then."""
    cleaned = {name: text_form.cleaned_data[name] for name in TEXT_FIELDS}
    if not would_change_text(original, cleaned) and not correction_form.cleaned_data.get(
        "text_unchanged"
    ):
        raise NotPublished(TEXT_UNCHANGED)
    return publish(report, correction_form, text_form, user)


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
