"""One search over published articles, and its pages of results.

The search vector is a stored generated column (`Article.search_vector`: title A, standfirst
and the tag and author names B, body C, English stemming) with a GIN index, so a query is an
index look-up and an article is searchable the moment it is saved; tag and author names
reach it through the plain column `Article.search_names` (articles/search_names.py).

The match itself is `Article.objects.matching()` (articles/models.py, on core.fulltext's
query); this module decides whether to rank (`Search`), pages through the results without
COUNTing a broad search (`EstimatedPaginator`) and computes headlines only for the rows
shown (`ResultPages`, with search/headlines.py).
"""

import json

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import router

from articles.models import Article
from articles.querysets import teaser_article, teaser_rows
from core.fulltext import query_text
from core.statements import Statements

from .forms import apply_filters
from .headlines import with_headlines

# Ranking reads every matching row's search vector (stored out of line, in TOAST), so its
# cost grows with the number of matches. Up to this many expected matches, results are
# ranked; beyond it, the search is too broad to rank within the time budget and results
# come newest first (an index scan that stops after one page). settings.SEARCH_RANK_LIMIT
# overrides it. See bench/README.md.
DEFAULT_RANK_LIMIT = 2000


def rank_limit():
    return getattr(settings, "SEARCH_RANK_LIMIT", DEFAULT_RANK_LIMIT)


def estimate_count(queryset):
    """PostgreSQL's planner estimate of the rows `queryset` returns: EXPLAIN without
    running it, about a millisecond whatever the number of matches (the column's
    statistics know how common each word is)."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedPaginator(Paginator):
    """Pages through results whose number is only estimated (a broad search). Each page
    reads one row more than it shows, to know whether another page follows; when the
    estimate was low the count grows, and the last page, once reached, makes it exact."""

    def __init__(self, object_list, per_page, estimate, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = estimate
        self.exact = False

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        items = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not items and number > 1:
            raise EmptyPage("That page contains no results")
        if len(items) > self.per_page:
            self.count = max(self.count, bottom + self.per_page + 1)
        else:
            self.count, self.exact = bottom + len(items), True
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)
        return self._get_page(items[: self.per_page], number, self)


class ResultPages:
    """Search results for a paginator. Each slice is one query that picks the slice's rows
    (ordering, OFFSET and LIMIT over the bare matches) in a subquery and only then joins
    the teaser's relations and computes the highlighted headlines: for the rows shown,
    not for the rows an OFFSET skips. Its SQL is compiled once per process for each kind of
    search (ranked or not, the filters used, the slice: core.statements), the words and
    filters its parameters; it is bound on the client, not prepared, so PostgreSQL plans
    it for the words searched. The rows are made into articles without Model.__init__
    (articles.querysets.teaser_article). A `count` already known (Search.count) spares
    the paginator its COUNT."""

    ordered = True
    HEADLINES = ("title_headline", "standfirst_headline", "body_headline")
    statements = Statements(prepared=False)

    def __init__(self, search, per_page, count=None):
        self.search, self.per_page, self.known_count = search, per_page, count
        self.model = search.matches.model

    def count(self):
        if self.known_count is None:
            self.known_count = self.search.matches.count()
        return self.known_count

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("ResultPages only supports slices")
        start = key.start or 0
        if key.stop is not None and key.stop <= start:
            return []  # no results: the paginator's empty first page
        read = self._read(start)
        search = self.search
        statement = ("search", search.broad, tuple(search.filters), read.start, read.stop)
        text, values = query_text(search.text), tuple(search.filters.values())
        rows = self.statements.run(statement, self._query(read), text, *values)
        if key.stop is not None:
            rows = rows[: key.stop - start]
        db = router.db_for_read(self.model)
        return [teaser_article(self.model, row, db, self.HEADLINES) for row in rows]

    def _read(self, start):
        """A page and one more row (EstimatedPaginator's look-ahead) from `start`, whatever
        is left: one statement per page number, however many results there are."""
        return slice(start, start + self.per_page + 1)

    def _query(self, read):
        """query(now, text, *filter values): the rows of the slice `read`."""
        search, names = self.search, tuple(self.search.filters)

        def query(now, text, *values):
            articles = search.articles(now, dict(zip(names, values, strict=True)))
            matches = articles.matching(text, ranked=not search.broad)
            shown = matches.filter(pk__in=matches.values("pk")[read])
            return teaser_rows(with_headlines(shown, text), *self.HEADLINES)

        return query

    def queryset(self, start=0):
        """The page from `start` as a queryset with this search's own values (to EXPLAIN
        it: bench/search_bench.py)."""
        values = self.search.filters.values()
        return self._query(self._read(start))(None, query_text(self.search.text), *values)


class Search:
    """One search for `text` over the published articles, narrowed by `filters`
    (SearchForm.filters()): the matches in their order, how many there are, and whether
    they are too many to rank (`broad`). Two queries: the planner's estimate, then an
    exact COUNT, unless the estimate is already beyond the rank limit (then it stands for
    the count)."""

    def __init__(self, text, filters=None):
        self.text, self.filters = text, dict(filters or {})
        articles = self.articles()
        estimate = estimate_count(articles.matching(text, ranked=False))
        self.broad = estimate > rank_limit()
        if self.broad:
            self.matches = articles.matching(text, ranked=False)
            self.count = round(estimate, 2 - len(str(estimate)))  # "About 15,000"
        else:
            self.matches = articles.matching(text)
            self.count = self.matches.count()

    def articles(self, now=None, filters=None):
        """The published articles (at `now`) the search looks through."""
        published = Article.objects.published(now)
        return apply_filters(published, self.filters if filters is None else filters)

    def pages(self, per_page):
        """The matches for a paginator of `per_page` results a page."""
        return ResultPages(self, per_page, count=self.count)
