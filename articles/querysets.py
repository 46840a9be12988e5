"""How articles are fetched: reader visibility (`published()`, the one rule), full-text
matching, the listings' and the article page's prefetches. Article's manager
(articles.models); the related models are reached through Article's relations.

The reader listings (the front page, sections, tags, authors) read their articles for
their teasers (articles.teasers) at a handful of milliseconds a page (issue 27, "cheaper
cold pages": `read_teasers()`, `Listing`). Building and compiling a listing's query cost
Django more than PostgreSQL takes to answer it, and making model instances of its rows as
much again. So each listing's SQL is compiled once per process (core.statements: keyed by
the page, its section, tag or author and its position; the present and a `?before=` key
are placeholders), and its rows are read as tuples and made into articles without
Model.__init__ (core.statements.light_instance), each with its section's name and address,
its lead image as one JSON value (`teaser_image`) and its byline (`teaser_bylines`): what
teaser_html() reads, and nothing else.

With teasers kept across requests (settings.FRAGMENT_CACHE) a listing first reads only
what the page itself decides with (`NARROW`: the id, the publication time, the section
and whether it is featured); only when some of its teasers have to be written are their
full rows read, by id through the primary key (`_by_id`: one statement for every
listing, where running the listing's own query again cost as much as the first read
and, for the front page's section blocks, a UNION of one sub-select per section), and
only those of the teasers not kept (articles.teasers.TeaserBatch.written). Without
(bench/cold_bench.py's cold mode) the full rows are read at once.
"""

import json
import time

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db import models, router
from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable
from django.utils import timezone

from core.db import AnyOf
from core.fulltext import search_query
from core.pagination import after_key
from core.statements import light_instance, statements

from .search_columns import GENERATED


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

    def without_search_columns(self):
        """The rows without the generated search columns (search_columns.GENERATED), which
        only PostgreSQL reads: large, and never needed in Python."""
        return self.defer(*GENERATED)

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
        articles = (
            self.select_related("section")
            .annotate(teaser_image=teaser_image())
            .without_search_columns()
            .defer("body", "search_names")
        )
        articles._iterable_class = TeaserIterable  # the rows share one TeaserBatch
        return articles

    def listing(self, key, choose, key_field="published_at", values=()):
        """A reader listing's articles (`Listing`): those of `choose(published(now), now,
        *values)`, newest first by `key_field`; `key` names the kind of page, `values` (the
        id of its section, tag or author) are its statement's parameters."""
        return Listing(self.model, key, choose, key_field, values)

    def for_page(self):
        """The article page's own row with its section and lead image, in one query: enough
        for the parts of the page that are not cached (core.fragments); the rest comes
        from `Article.prefetch_detail()` when a fragment has to be rendered."""
        return (
            self.select_related("section", "lead_image")
            .without_search_columns()
            .defer("search_names")
        )

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


def teaser_image():
    """A teaser's lead image as one JSON value: its file, size, alt text and rendition
    names (articles.teasers.picture_html)."""
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
    return JSONObject(**image)


class TeaserIterable(ModelIterable):
    """for_teasers()'s rows, each given the TeaserBatch of its query (articles.teasers):
    the teasers kept across requests are read for the whole listing at once (so are
    read_teasers()' rows). `batch` is
    articles.teasers.batch_teasers, set by that module (imported when the app is ready,
    by articles.signals), so this one does not import it."""

    batch = None

    def __iter__(self):
        started = time.time()  # what is kept from these rows was read after this
        articles = list(super().__iter__())
        if TeaserIterable.batch is not None:
            TeaserIterable.batch(articles, started)
        return iter(articles)


# The article's columns a teaser shows, then (`teaser_rows`) its section's name and slug and
# its lead image (`teaser_image`).
ARTICLE = (
    *("id", "published_at", "featured", "section_id", "title", "slug", "standfirst"),
    *("lead_image_id", "teaser_bylines"),
)
NARROW = ARTICLE[:4]


def teaser_rows(articles, *extra):
    """`articles` as rows of what a teaser shows, then the annotations named in `extra`
    (for teaser_article)."""
    return articles.values_list(*ARTICLE, "section__name", "section__slug", teaser_image(), *extra)


def _narrow(articles):
    return articles.values_list(*NARROW)


def teaser_article(model, row, db, extra=()):
    """An article ready for teaser_html() (or a search result) from one of teaser_rows()'
    rows, with the `extra` annotations it was asked for as attributes."""
    values = dict(zip(ARTICLE, row, strict=False))
    if values["teaser_bylines"] is not None:
        values["teaser_bylines"] = json.loads(values["teaser_bylines"])
    name, slug, image, *rest = row[len(ARTICLE) :]
    values["teaser_image"] = json.loads(image)
    values.update(zip(extra, rest, strict=True))
    article = light_instance(model, db, values)
    section = None
    if article.section_id is not None:
        sections = model._meta.get_field("section").related_model
        section = light_instance(
            sections, db, {"id": article.section_id, "name": name, "slug": slug}
        )
    article._state.fields_cache["section"] = section
    return article


def read_teasers(model, key, query, *values):
    """The articles of `query(now, *values)` (published() `model`s, in the listing's order
    and slice) for teasers, sharing one TeaserBatch; `key` names the query."""
    started = time.time()  # what is kept from these rows was read after this
    db = router.db_for_read(model)
    now = timezone.now()  # the full rows, if read, are those of the same articles

    if not settings.FRAGMENT_CACHE:  # nothing kept: every teaser is written
        rows = statements.run(
            (*key, "full"), lambda *given: teaser_rows(query(*given)), *values, now=now
        )
        articles = [teaser_article(model, row, db) for row in rows]
        TeaserIterable.batch(articles, started)
        return articles
    rows = statements.run((*key, "narrow"), lambda *given: _narrow(query(*given)), *values, now=now)
    articles = [light_instance(model, db, dict(zip(NARROW, row, strict=True))) for row in rows]

    def full(ids):
        rows = statements.run(("teasers", "by id"), _by_id(model), ids, now=now)
        return [teaser_article(model, row, db) for row in rows]

    TeaserIterable.batch(articles, started, full)
    return articles


def _by_id(model):
    """The full rows of the published articles among `ids` (a listing's, read by the
    ids-first query at `now`): through the primary key, whatever the listing."""

    def query(now, ids):
        return teaser_rows(model.objects.published(now).filter(AnyOf(F("pk"), ids)).order_by())

    return query


class Listing:
    """The articles of one listing: `choose(published(now), now, *values)` of `model`,
    newest first by `key_field` (and id), read a page at a time for teasers
    (core.pagination's KeysetListMixin); `key` names the kind of listing, and `values`
    (its section's, tag's or author's id) are the statement's parameters: one statement,
    compiled once per process (core.statements), serves every section, tag or author."""

    def __init__(self, model, key, choose, key_field="published_at", values=()):
        self.model = model
        self.key = key
        self.choose = choose
        self.key_field = key_field
        self.values = tuple(values)

    def articles(self, now, *values):
        return self.choose(self.model.objects.published(now), now, *values)

    def page(self, before, offset, count):
        """`count` articles from `offset`, or after the key `before` ((published_at, id))."""
        if before is None:

            def from_offset(now, *values):
                return self.articles(now, *values)[offset : offset + count]

            key = (*self.key, offset, count)
            return read_teasers(self.model, key, from_offset, *self.values)

        given = len(self.values)

        def after(now, *values):
            chosen = self.articles(now, *values[:given])
            return chosen.filter(after_key(self.key_field, *values[given:]))[:count]

        key = (*self.key, "before", count)
        return read_teasers(self.model, key, after, *self.values, *before)


def related(model, name):
    """All rows of the model at the other end of `model`'s relation `name`."""
    return model._meta.get_field(name).related_model.objects.all()


def tag_links(links):
    """An article's tag links with their tags, in the order the tags were given."""
    return links.select_related("tag").order_by("id")


def detail_prefetches(article_model):
    """for_detail()'s relations: bylines with their authors, tag links with their tags (in
    the order given: Article.reader_tags), visible corrections."""
    visible = related(article_model, "corrections").visible().order_by("published_at", "id")
    return (
        models.Prefetch(
            "bylines", queryset=related(article_model, "bylines").select_related("author")
        ),
        models.Prefetch("tagged_items", queryset=tag_links(related(article_model, "tagged_items"))),
        models.Prefetch("corrections", queryset=visible, to_attr="prefetched_corrections"),
    )
