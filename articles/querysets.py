"""How articles are fetched: reader visibility (`published()`, the one rule), full-text
matching, the listings' and the article page's prefetches. Article's manager
(articles.models); the related models are reached through Article's relations."""

import time

from django.contrib.postgres.search import SearchRank
from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable
from django.utils import timezone

from core.fulltext import search_query


class ArticleQuerySet(models.QuerySet):
    """Reader visibility, full-text matching and the listings' prefetches."""

    def published(self, now=None):
        """The only way reader code fetches articles: published, and not scheduled for later
        (than `now`, by default the present)."""
        now = timezone.now() if now is None else now
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=now)

    def scheduled(self):
        """Published with a time in the future: readers see it from that moment."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())

    def matching(self, text, ranked=True):
        """Full-text search in web-search syntax ("phrases", -word, or); any text is safe
        (core.fulltext). Best match first (then newest) and annotated `rank`; with
        ranked=False, newest first. The match is `search_vector @@ query`, answered by the
        GIN index article_search_gin. The one full-text match: the search page combines it
        with published() (search.results), the admin's search box uses it over every
        status."""
        query = search_query(text)
        if query is None:
            return self.none()
        matches = self.filter(search_vector=query)
        if not ranked:
            return matches.order_by("-published_at", "-id")
        return matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "-published_at", "-id"
        )

    def listed_through(self, link, now=None, **match):
        """Articles linked through `link` ("bylines" or "tagged_items") to the row in
        `match` (`author=` or `tag=`), newest first by the link's own copy of the
        publication time (`listing_key_field`): the listing is one range of the link's
        index, from now backwards, whatever the size of the archive. Combine it with
        `published()`; keyset pages bound `listed_at` (core.pagination). It is an alias,
        so later filters on it reuse the one join instead of adding their own."""
        now = timezone.now() if now is None else now
        condition = Q(**{f"{link}__published_at__lte": now}) & Q(
            **{f"{link}__{name}": value for name, value in match.items()}
        )
        return (
            self.annotate(listed=FilteredRelation(link, condition=condition))
            .alias(listed_at=F("listed__published_at"))
            .filter(listed_at__isnull=False)
            .order_by("-listed_at", "-id")
        )

    def for_listing(self):
        """What a teaser shows: section, lead image and ordered bylines."""
        return self.select_related("section", "lead_image").prefetch_related(
            models.Prefetch(
                "bylines", queryset=related(self.model, "bylines").select_related("author")
            )
        )

    def for_teasers(self):
        """What a teaser shows (articles.teasers), in the listing's one query: the section
        joined; the lead image's file, size, alt text and rendition names as one JSON value
        (`teaser_image`, no Image built per row); the byline from the row's own
        `teaser_bylines`. Not the body nor the search columns."""
        image = {
            name: f"lead_image__{column}"
            for name, column in (
                ("file", "file"),
                ("width", "width"),
                ("height", "height"),
                ("alt", "alt_text"),
                ("names", "rendition_names"),
            )
        }
        articles = (
            self.select_related("section")
            .annotate(teaser_image=JSONObject(**image))
            .defer("body", "search_vector", "search_names")
        )
        articles._iterable_class = TeaserIterable  # the rows share one TeaserBatch
        return articles

    def for_page(self):
        """The article page's own row with its section and lead image, in one query: enough
        for the parts of the page that are not cached (core.fragments); the rest comes
        from `Article.prefetch_detail()` when a fragment has to be rendered."""
        return self.select_related("section", "lead_image").defer("search_vector", "search_names")

    def for_detail(self):
        """What the article page shows, in a fixed number of queries: the listing's, tags,
        and the corrections readers can see (oldest first), which
        `Article.visible_corrections()` then reads without a query of its own."""
        return self.for_page().prefetch_related(*detail_prefetches(self.model))

    def latest_per_section(self, sections, per_section):
        """The newest `per_section` articles of each of `sections`, in one query: a UNION of
        small index-ordered look-ups (one per section), so the cost does not grow with the
        archive the way a window over every article would."""
        parts = [
            self.filter(section=section)
            .order_by("-published_at", "-id")
            .values_list("pk", flat=True)[:per_section]
            for section in sections
        ]
        if not parts:
            return self.none()
        return self.filter(pk__in=parts[0].union(*parts[1:], all=True))


class TeaserIterable(ModelIterable):
    """for_teasers()'s rows, each given the TeaserBatch of its query (articles.teasers):
    the teasers kept across requests are read for the whole listing at once. `batch` is
    articles.teasers.batch_teasers, set by that module (imported when the app is ready,
    by articles.signals), so this one does not import it."""

    batch = None

    def __iter__(self):
        started = time.time()  # what is kept from these rows was read after this
        articles = list(super().__iter__())
        if TeaserIterable.batch is not None:
            TeaserIterable.batch(articles, started)
        return iter(articles)


def related(model, name):
    """All rows of the model at the other end of `model`'s relation `name`."""
    return model._meta.get_field(name).related_model.objects.all()


def detail_prefetches(article_model):
    """for_detail()'s relations: bylines with their authors, tags, visible corrections."""
    visible = related(article_model, "corrections").visible().order_by("published_at", "id")
    return (
        models.Prefetch(
            "bylines", queryset=related(article_model, "bylines").select_related("author")
        ),
        "tags",
        models.Prefetch("corrections", queryset=visible, to_attr="prefetched_corrections"),
    )
