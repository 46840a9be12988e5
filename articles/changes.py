"""The readers' page of what a correction changed: the article's headline, standfirst and
body before and after the revision the correction was published with, word by word.

Only a revision tied to a visible correction on a published article has a page; any other
revision number is "not found", so the history of drafts and unpublished edits stays
private. A fixed number of queries: the corrections with their article, then the two
stored versions (the revision's and the one before it).
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from reversion.models import Version

from core.caching import public_page

from . import revisions
from .models import Article, Correction


def versions_around(article, revision_id):
    """The article's stored version in `revision_id` and the one saved before it, or None
    for either that does not exist. One query, through reversion's (content type, object)
    index; ids only grow, so the earlier revision has the smaller id."""
    found = list(
        Version.objects.filter(
            content_type__app_label=Article._meta.app_label,
            content_type__model=Article._meta.model_name,
            object_id=str(article.pk),
            revision_id__lte=revision_id,
        )
        .select_related("revision")
        .order_by("-revision_id", "-pk")[:2]
    )
    if not found or found[0].revision_id != revision_id:
        return None, None
    return found[0], found[1] if len(found) > 1 else None


def link_to_revision(article, corrections, before):
    """After an article admin save that added `corrections`: when that save also changed
    the text, and the revision before it holds the text as it was (`before`, a dict of
    revisions.TEXT_NAMES), readers can see the change, so point the corrections at the
    save's revision. An article with no earlier revision (imported, or made by a script)
    has nothing to compare with, and its corrections get no page."""
    latest = list(Version.objects.get_for_object(article).select_related("revision")[:2])
    if len(latest) < 2:
        return
    after, previous = (revisions.stored_text(v) for v in latest)
    if revisions.text_changed(previous, before) or not revisions.text_changed(before, after):
        return
    for correction in corrections:
        correction.revision = latest[0].revision
        correction.save(update_fields=["revision"])


@dataclass(frozen=True)
class BeforeSave:
    """An article as stored before an admin save: its text and its corrections' ids."""

    article_id: int
    text: dict
    correction_ids: frozenset


def before_save(article_id):
    """The article's text and corrections before a save through its admin form, or None
    when there is no such article."""
    try:
        pk = int(article_id)
    except (TypeError, ValueError):
        return None
    article = Article.objects.filter(pk=pk).only(*revisions.TEXT_NAMES).first()
    if article is None:
        return None
    ids = Correction.objects.filter(article_id=pk).values_list("pk", flat=True)
    text = {name: getattr(article, name) for name in revisions.TEXT_NAMES}
    return BeforeSave(pk, text, frozenset(ids))


def link_added_corrections(before):
    """Once the save and its revision are stored: the corrections it added (those not in
    `before`) are pointed at its revision when it changed the text (link_to_revision)."""
    added = list(
        Correction.objects.filter(article_id=before.article_id)
        .exclude(pk__in=before.correction_ids)
        .select_related("article")
    )
    if added:
        link_to_revision(added[0].article, added, before.text)


@method_decorator(public_page, name="dispatch")
class CorrectionChanges(TemplateView):
    """/<date>/<slug>/changes/<revision>/: what the correction(s) published with that
    revision changed in the article's text."""

    template_name = "articles/correction_changes.html"

    def get_context_data(self, **kwargs):
        corrections = list(
            Correction.objects.visible()
            .filter(
                revision_id=self.kwargs["revision"],
                article__in=Article.objects.published(),
                article__slug=self.kwargs["slug"],
            )
            .select_related("article", "article__section", "revision")
            .order_by("published_at", "id")
        )
        if not corrections:
            raise Http404("No such correction")
        article = corrections[0].article
        if article.address_kwargs() != {
            name: self.kwargs[name] for name in ("year", "month", "day", "slug")
        }:
            raise Http404("No such correction")
        after, before = versions_around(article, self.kwargs["revision"])
        if after is None or before is None:
            raise Http404("This revision cannot be compared")
        return super().get_context_data(
            article=article,
            corrections=corrections,
            changed_at=timezone.localtime(after.revision.date_created),
            comparison=revisions.compare_fields(
                revisions.stored_text(before), revisions.stored_text(after), labelled=True
            ),
            **kwargs,
        )
