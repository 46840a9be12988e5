"""Search results as readers see them: the title, standfirst and the body's best passage
with the matched words marked (`with_headlines`, PostgreSQL's ts_headline over the body's
own text), the one passage a result shows (`snippet`) and its safe HTML (`highlight`)."""

import html
import re

from django.contrib.postgres.search import SearchHeadline
from django.db.models import F, Func, TextField, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.fulltext import MARK_START, MARK_STOP, SEARCH_CONFIG, search_query

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: a no-break space stays


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
