"""Search results as readers see them: the title, standfirst and the body's best passage
with the matched words marked (`with_headlines`, PostgreSQL's ts_headline over the
passages stored with each article: articles/search_columns.py), the one passage a result
shows (`snippet`) and its safe HTML (`highlight`)."""

import html
import re

from django.contrib.postgres.search import SearchHeadline
from django.db.models import F, Func, TextField
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.fulltext import MARK_START, MARK_STOP, SEARCH_CONFIG, search_query

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: a no-break space stays


class PassageHeadline(Func):
    """SearchHeadline (its options) over the body's best passage for `query`
    (articles/search_columns.py): of those whose vector matches, the best ranked
    (ts_rank_cd: the query's words closest together), the earliest of equals; when none
    matches, over the body's opening (its first OPENING passages). Only that text is
    stemmed, so a result's snippet costs a paragraph, not the whole body."""

    OPENING = 4
    output_field = TextField()
    template = (
        "COALESCE((SELECT %(best)s FROM unnest(%(passages)s, %(vectors)s) WITH ORDINALITY "
        "AS best(passage, vector, n) WHERE vector @@ %(query)s "
        "ORDER BY ts_rank_cd(vector, %(query)s) DESC, n LIMIT 1), %(opening)s)"
    )

    def __init__(self, query, **options):
        passages = F("body_passages")
        opening = Func(
            passages, template=f"array_to_string(%(expressions)s[1:{self.OPENING}], ' ')"
        )
        super().__init__(
            SearchHeadline(RawSQL("passage", ()), query, **options),
            passages,
            F("passage_vectors"),
            query,
            SearchHeadline(opening, query, **options),
        )

    def as_sql(self, compiler, connection, **extra_context):
        (best, best_params), (passages, _), (vectors, _), (query, query_params), opening = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = self.template % {
            "best": best,
            "passages": passages,
            "vectors": vectors,
            "query": query,
            "opening": opening[0],
        }
        return sql, (*best_params, *query_params, *query_params, *opening[1])


def with_headlines(queryset, text):
    """Annotate `title_headline`, `standfirst_headline` (the whole standfirst) and
    `body_headline` (from the body's best passage: PassageHeadline) with the
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
        body_headline=PassageHeadline(query, max_words=35, min_words=20, **options),
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
