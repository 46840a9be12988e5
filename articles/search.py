"""Full-text search over articles, and the names column that feeds it.

The search vector is a stored generated column (`Article.search_vector`: title A, standfirst
and the tag and author names B, body C, English stemming) with a GIN index, so a query is an
index look-up and an article is searchable the moment it is saved. A generated column can
read only its own row, so tag and author names reach it through the plain column
`Article.search_names`, which `refresh_search_names` rewrites whenever an article's tags or
bylines change or an author or tag is renamed (see articles/signals.py).

The query itself (`clean_query`, and `Article.objects.search()`) is in articles/fulltext.py,
which the models import; this module imports the models and adds what the search page and
the names column need.
"""

import html
import json
import re

from django import forms
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, TrigramWordSimilarity
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower, Trim
from django.utils.html import escape
from django.utils.safestring import mark_safe

from authors.models import Author

from .fulltext import MARK_START, MARK_STOP, SEARCH_CONFIG, clean_query, search_query
from .models import Article, ArticleAuthor, Section, TaggedArticle

# Ranking reads every matching row's search vector (stored out of line, in TOAST), so its
# cost grows with the number of matches. Up to this many expected matches, results are
# ranked; beyond it, the search is too broad to rank within the time budget and results
# come newest first (an index scan that stops after one page). settings.SEARCH_RANK_LIMIT
# overrides it. See bench/README.md.
DEFAULT_RANK_LIMIT = 2000
# Titles whose words are at least this similar to the query are offered as suggestions
# ("Did you mean …?"). pg_trgm's default, 0.6, misses two-letter typos such as "hovitzer".
SUGGESTION_THRESHOLD = 0.4
SUGGESTION_COUNT = 5

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: a no-break space stays


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


def _regexp_replace(expression, pattern, replacement=" "):
    return Func(
        expression,
        Value(pattern),
        Value(replacement),
        Value("gi"),
        function="regexp_replace",
        output_field=TextField(),
    )


# What a snippet is cut from: the body's own text. Figures (the picture, its caption and
# credit), credit lines and the markup go; PostgreSQL's regular expressions take their
# greediness from the first quantifier, so ".*?" makes each one stop at the first closing
# tag. Paragraphs that are only a credit ("Photo: Royal Navy") go too.
_FIGURE = r"<figure[ >].*?</figure>"
_CREDIT = r'<(p|span|figcaption) class="credit">.*?</\1>'
_CREDIT_LINE = (
    r"<p>\s*\(?\s*(photo(graph)?s?|images?|pictures?|credits?|source|supplied)"
    r"(\s+(by|credit))?\s*[:©][^<]{0,150}</p>"
)


def body_text(expression):
    """The body as a reader reads it, for snippets: no figures, captions or credits, no
    markup."""
    for pattern in (_FIGURE, _CREDIT, _CREDIT_LINE, r"<[^>]*>"):
        expression = _regexp_replace(expression, pattern)
    return expression


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
        estimate = estimate_count(articles.search(text, ranked=False))
        self.broad = estimate > rank_limit()
        if self.broad:
            self.matches = articles.search(text, ranked=False)
            self.count = round(estimate, 2 - len(str(estimate)))  # "About 15,000"
        else:
            self.matches = articles.search(text)
            self.count = self.matches.count()

    def pages(self):
        """The matches for a paginator, decorated for the results page."""
        return ResultPages(
            self.matches,
            lambda rows: with_headlines(rows, self.text).for_listing(),
            count=self.count,
        )


def with_headlines(queryset, text):
    """Annotate `title_headline`, `standfirst_headline` (the whole standfirst) and
    `body_headline` (the body's best passage, from its own text: body_text()) with the
    matched words marked. PostgreSQL computes them after sorting and LIMIT; with an OFFSET
    they are computed for skipped rows too, so page through ResultPages. `snippet()` picks
    what to show; render with `highlight()`."""
    query = search_query(text)
    if query is None:
        return queryset
    options = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "config": SEARCH_CONFIG}
    return queryset.annotate(
        title_headline=SearchHeadline("title", query, highlight_all=True, **options),
        standfirst_headline=SearchHeadline("standfirst", query, highlight_all=True, **options),
        body_headline=SearchHeadline(
            body_text(F("body")),
            query,
            max_words=35,
            min_words=20,
            **options,
        ),
    )


def snippet(article):
    """The one passage a result shows, as safe HTML: the body's passages where they hold a
    matched word, else the standfirst where it does, else the standfirst, else the opening
    of the body. Never both, so the standfirst is never shown twice."""
    body = getattr(article, "body_headline", "") or ""
    standfirst = getattr(article, "standfirst_headline", "") or ""
    if MARK_START not in body and (MARK_START in standfirst or standfirst.strip()):
        return highlight(standfirst)
    return highlight(body, passage=True)


def highlight(headline, passage=False):
    """A headline from with_headlines() as safe HTML: everything escaped, matched words in
    <mark>. The body's HTML was stripped in SQL; its character references are decoded here
    before escaping so "&amp;" reads as "&". A `passage` cut from the middle of the text
    gets ellipses where it starts or stops mid-sentence."""
    if not headline:
        return ""
    text = _SPACES.sub(" ", html.unescape(headline)).strip()
    if passage and text:
        first = text.lstrip(MARK_START)[:1]
        if first.islower():
            text = "… " + text
        if text.rstrip(MARK_STOP)[-1:] not in '.!?…:"”’)':
            text += " …"
    text = escape(text)
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def suggest_titles(queryset, text, limit=SUGGESTION_COUNT):
    """Titles close to a query that matched nothing (typos): pg_trgm word similarity
    against lower(title), answered by the trigram index article_title_trgm_gin. Two
    queries in one transaction: the similarity threshold, then the look-up."""
    text = clean_query(text).lower()
    if len(text) < 3:
        return []
    with transaction.atomic(using=queryset.db, savepoint=False):
        set_suggestion_threshold(queryset.db)
        return list(similar_titles(queryset, text)[:limit])


def set_suggestion_threshold(using=DEFAULT_DB_ALIAS):
    """For the current transaction only (set_config's is_local): behind a transaction-
    pooling PgBouncer the next transaction may run on another server connection, where a
    session setting would be missing, and would leak to other clients. Call it inside
    transaction.atomic(using=...) on the connection the look-up uses (a replica's, for
    anonymous readers)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(SUGGESTION_THRESHOLD)],
        )


def similar_titles(queryset, text):
    """Rows whose lower-cased title contains words similar to `text` (pg_trgm's %>
    operator, indexable), most similar first."""
    return (
        queryset.alias(lower_title=Lower("title"))
        .filter(lower_title__trigram_word_similar=text)
        .annotate(similarity=TrigramWordSimilarity(text, Lower("title")))
        .order_by("-similarity", "-published_at")
    )


def _names():
    tags = (
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", " ", order_by="tag__name"))
        .values("names")
    )
    authors = (
        ArticleAuthor.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(names=StringAgg("author__name", " ", order_by=("position", "id")))
        .values("names")
    )
    return Trim(
        Concat(
            Coalesce(Subquery(tags), Value(""), output_field=TextField()),
            Value(" "),
            Coalesce(Subquery(authors), Value(""), output_field=TextField()),
            output_field=TextField(),
        )
    )


def refresh_search_names(article_ids):
    """Rewrite `search_names` (tag names, then author names in byline order) for the given
    articles — a list of ids or a queryset of ids — in ONE UPDATE that skips rows already
    current. The generated search vector follows in the same statement. Returns the number
    of rows changed."""
    return (
        Article.objects.filter(pk__in=article_ids)
        .alias(new_names=_names())
        .filter(~Q(search_names=F("new_names")))
        .update(search_names=_names())
    )


class QueryField(forms.CharField):
    """The reader's words, cleaned by clean_query before any validation (so a NUL byte or
    a 10,000-character paste is tidied, not refused)."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug. Anything that is not a slug is refused before it reaches the
    database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class SearchForm(forms.Form):
    q = QueryField(label="Search for", required=False)
    section = SlugChoiceField(
        queryset=Section.objects.only("slug", "name"),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    author = SlugChoiceField(
        queryset=Author.objects.only("slug", "name"),
        to_field_name="slug",
        required=False,
        empty_label="Any author",
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by the "Search instead for …" link: search for the words as typed, uncorrected.
    as_typed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"

    FILTERS = ("section", "author", "start", "end")

    def filters_used(self):
        """The names of the filters the reader has filled in (valid or not)."""
        return [name for name in self.FILTERS if self.data.get(name)]

    def filters_refused(self):
        """True when a filter was refused (the page shows why, so the filters open)."""
        return self.is_bound and any(name in self.errors for name in self.FILTERS)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            data["start"], data["end"] = end, start  # a reversed range means the same days
        return data

    def filter(self, articles):
        """Apply the valid filters to `articles`; invalid ones are reported on the form and
        ignored."""
        data = getattr(self, "cleaned_data", {})
        if data.get("section"):
            articles = articles.filter(section=data["section"])
        if data.get("author"):
            articles = articles.filter(bylines__author=data["author"])
        if data.get("start"):
            articles = articles.filter(published_at__date__gte=data["start"])
        if data.get("end"):
            articles = articles.filter(published_at__date__lte=data["end"])
        return articles
