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
    """Search results for a paginator: each slice is one query that picks the slice's rows
    (ordering, OFFSET and LIMIT over the bare matches) in a subquery and only then joins
    the teaser's relations and computes the highlighted headlines — for the rows shown,
    not for the rows an OFFSET skips. `decorate` adds those to a queryset. A `count`
    already known (Search.count) spares the paginator its COUNT."""

    ordered = True

    def __init__(self, matches, decorate, count=None):
        self.matches, self.decorate, self.known_count = matches, decorate, count
        self.model = matches.model

    def count(self):
        if self.known_count is None:
            self.known_count = self.matches.count()
        return self.known_count

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("ResultPages only supports slices")
        chosen = self.matches.values("pk")[key]
        return self.decorate(self.matches.filter(pk__in=chosen))


class Search:
    """One search over `articles` (a filtered queryset of published articles): the matches
    in their order, how many there are, and whether they are too many to rank (`broad`).
    Two queries: the planner's estimate, then an exact COUNT, unless the estimate is
    already beyond the rank limit (then it stands for the count)."""

    def __init__(self, articles, text):
        self.text = text
        estimate = estimate_count(articles.matching(text, ranked=False))
        self.broad = estimate > rank_limit()
        if self.broad:
            self.matches = articles.matching(text, ranked=False)
            self.count = round(estimate, 2 - len(str(estimate)))  # "About 15,000"
        else:
            self.matches = articles.matching(text)
            self.count = self.matches.count()

    def pages(self):
        """The matches for a paginator, decorated for the results page."""
        return ResultPages(
            self.matches,
            lambda rows: with_headlines(rows, self.text).for_teasers(),
            count=self.count,
        )
