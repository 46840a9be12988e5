"""The article feeds' items: read in one query, written once, kept per article (issue 27,
"cheaper cold pages").

A feed's thirty items come from one query (`_rows()`): the article columns an item shows,
its section's name, its lead image's columns, its tags' names and its visible corrections
(JSON) from subqueries, read as tuples: no prefetch, and no Image, Author or Tag object
(the article and its corrections are built as unpickling builds them, for the model's own
rules: meta_description, modified_for_readers, the address). The byline is
`Article.teaser_bylines` (kept current by articles.teasers). Its SQL is compiled once per
process (core.statements). Each item is written as XML by articles.feed_xml.

Written items are kept (process memory in front of the shared cache, as fragments are:
core.fragments) under the site-wide content state (which changes when a scheduled
article's or correction's time comes) and the section's name, and each records the
version of its article's tag, `article:<pk>`: every change of the article, its bylines,
tags, corrections, authors' names and lead image touches it (articles.invalidation,
media.media_library). So a feed rendered again after a news-day change (a new article, an
edit) reads its list of articles, then writes only the items of the articles that changed.
With settings.FRAGMENT_CACHE off (bench/cold_bench.py) nothing is kept, and the list and
the items are read in one query.
"""

import hashlib
import html
import json
import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import router
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.encoding import iri_to_uri

from core.fragments import Parts
from core.links import absolute_url, quick_reverse
from core.statements import light_instance, statements
from media.models import crop

from .feed_xml import Entry
from .models import Article, Correction, TaggedArticle

logger = logging.getLogger(__name__)

FEED_SIZE = 30
CROP = "crop_16x9"
_RELATIVE_URL = re.compile(r'(\s(?:src|href)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')
_SRCSET_URL = re.compile(r"(^|,\s*)/(?!/)")
_NEWLINES = re.compile(r"\r\n|\r")
KINDS = dict(Correction.Kind.choices)  # get_kind_display(), read for thirty items


def absolutize_html(html):
    """Feed readers show HTML away from the site: make src, href and srcset absolute."""
    if '="/' in html:  # most bodies have no link to the site (a scan, not three)
        html = _RELATIVE_URL.sub(lambda m: f"{m.group(1)}{settings.SITE_URL}/", html)
    if "srcset=" not in html:
        return html
    return _SRCSET.sub(
        lambda m: (
            m.group(1)
            + _SRCSET_URL.sub(lambda n: f"{n.group(1)}{settings.SITE_URL}/", m.group(2))
            + m.group(3)
        ),
        html,
    )


def tag_uri(date, specific):
    """An RFC 4151 tag URI: stable, unique, and not a link."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{date:%Y-%m-%d}:{specific}"


def _day(local):
    """ "7 December 2026" for a local time."""
    return f"{local.day} {local:%B %Y}"


def _text_html(text):
    """What the template filter `linebreaksbr` makes of plain text."""
    return html.escape(_NEWLINES.sub("\n", text)).replace("\n", "<br>")


# The columns of an item's row, in order: the article's, its section's name, its lead
# image's, then its tags' names and visible corrections (oldest first, JSON) from
# subqueries.
ARTICLE = (
    *("id", "title", "slug", "body", "standfirst", "seo_description", "teaser_bylines"),
    *("published_at", "created", "content_updated_at", "import_source", "import_id"),
    *("section_id", "lead_image_id"),
)
IMAGE = ("file", "width", "height", "alt_text", "credit", "rendition_names")
CORRECTION = ("id", "kind", "text", "published_at", "position", "revision_id")


def _rows(articles, now):
    """The items' rows of `articles` (a published() queryset, newest first) as one query."""
    tags = (
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .order_by("tag__name", "tag_id")
        .values("tag__name")
    )
    corrections = (
        Correction.objects.visible(now)
        .filter(article=OuterRef("pk"))
        .order_by("published_at", "id")
        .values(json=JSONObject(**{name: name for name in CORRECTION}))
    )
    return articles.annotate(
        feed_tags=ArraySubquery(tags), feed_corrections=ArraySubquery(corrections)
    ).values_list(
        *ARTICLE,
        "section__name",
        *(f"lead_image__{name}" for name in IMAGE),
        "feed_tags",
        "feed_corrections",
    )[:FEED_SIZE]


def _ids(articles, now):
    """The ids and section names of the newest FEED_SIZE of `articles`."""
    return articles.values_list("id", "section__name")[:FEED_SIZE]


def _article(row, db):
    """(Article, section name, image values, tag names) from one of _rows()' rows; the
    article's visible corrections are where visible_corrections() reads them."""
    article = light_instance(Article, db, dict(zip(ARTICLE, row, strict=False)))
    article.teaser_bylines = json.loads(article.teaser_bylines or "[]")
    at = len(ARTICLE)
    section, image, (tags, corrections) = row[at], row[at + 1 : at + 7], row[-2:]
    found = []
    for text in corrections or ():
        values = json.loads(text)
        values["published_at"] = datetime.fromisoformat(values["published_at"])
        correction = light_instance(Correction, db, values)
        correction.article_id = article.pk
        correction._state.fields_cache["article"] = article
        found.append(correction)
    article.prefetched_corrections = found
    return article, section, image, tags or []


def corrections_html(corrections, label, tz=None):
    """What templates/includes/corrections.html writes for `corrections` (one position,
    oldest first) outside the changes page (`tz`: the current time zone), written here:
    the feeds show the notices of thirty articles."""
    if not corrections:
        return ""
    tz = timezone.get_current_timezone() if tz is None else tz
    parts = [
        f'\n\n<aside class="corrections corrections--{html.escape(corrections[0].position)}" '
        f'aria-label="{html.escape(label)}">\n  '
    ]
    for c in corrections:
        local = c.published_at.astimezone(tz)
        moment = local.replace(microsecond=0).isoformat()
        changes = c.get_changes_url()
        if changes:
            changes = (
                f' <a class="correction-changes" href="{html.escape(changes)}">See what we '
                'changed<span class="visually-hidden"> in the article</span></a>'
            )
        parts.append(
            f'\n  <p class="correction correction--{html.escape(c.kind)}" id="correction-{c.pk}">'
            f'<strong class="correction-label">{html.escape(KINDS.get(c.kind, c.kind))}, '
            f'<time datetime="{moment}">{local.day} {MONTHS[local.month]} {local.year}</time>:'
            f"</strong> {_text_html(c.text)}{changes}</p>\n  "
        )
    parts.append("\n</aside>\n\n")
    return "".join(parts)


def _image(values):
    """The lead image's 16:9 crop from its columns (IMAGE), or None."""
    file_name, width, height, alt, credit, names = values
    if not file_name:
        return None
    url, width, height, mime_type = crop(
        file_name, width, height, json.loads(names) if names else {}, CROP
    )
    url = absolute_url(url)
    return {
        "url": url,
        "enclosure": iri_to_uri(url),
        "type": mime_type,
        "width": width,
        "height": height,
        "alt": alt,
        "credit": credit,
    }


def entry(row, db):
    """What the item of one of _rows()' rows shows: a feed_xml.Entry."""
    article, section, image, tags = _article(row, db)
    corrections = article.prefetched_corrections
    tz = timezone.get_current_timezone()
    notices = [
        f"{KINDS.get(c.kind, c.kind)}, {_day(c.published_at.astimezone(tz))}: {c.text}"
        for c in corrections
    ]
    if article.import_source.startswith(("http://", "https://")) and article.import_id.isdigit():
        # Imported from WordPress: keep its guid so subscribers see nothing new.
        guid = f"{article.import_source.rstrip('/')}/?p={article.import_id}"
    else:
        guid = tag_uri(article.created, f"article:{article.pk}")
    bylines = article.teaser_bylines or ()
    names = [name for _slug, name in bylines]
    author_name = author_link = None
    if names:
        author_name = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if len(bylines) == 1:
        author_link = iri_to_uri(absolute_url(quick_reverse("authors:detail", slug=bylines[0][0])))
    categories = [section] if article.section_id else []
    content = None
    if settings.FEED_FULL_CONTENT and article.body:
        notes = corrections_html(corrections, "Corrections", tz)
        content = absolutize_html(article.body + notes)
    return Entry(
        title=article.title,
        link=iri_to_uri(absolute_url(article.get_absolute_url())),
        # The summary, then each published correction's notice ("Correction, 22 June
        # 2026: …"), so a feed reader sees why the entry changed.
        description=html.escape(" ".join([article.meta_description, *notices]).strip()),
        guid=guid,
        pubdate=article.published_at,
        updated=article.modified_for_readers,
        author_name=author_name,
        author_link=author_link,
        categories=categories + tags,
        image=_image(image),
        content_html=content,
    )


def _written(row, write, db):
    item = entry(row, db)
    return write(item), item.pubdate, item.updated


def items(key, articles, write, values=()):
    """[(XML, publication date, updated date)] of a feed's items, newest first, each
    written by `write` (feed_xml.rss_item or atom_item), or taken from what was kept
    (core.fragments.Parts) while nothing it shows has changed. `articles(now, *values)`:
    the feed's published() articles at `now`, newest first; `key` names the feed's
    statement, `values` (its section's, tag's or author's id) are its parameters."""

    def rows(now, *given):
        return _rows(articles(now, *given), now)

    def ids(now, *given):
        return _ids(articles(now, *given), now)

    db = router.db_for_read(Article)
    # A scheduled correction's time passing changes an item: the key carries the schedule.
    parts = Parts(f"feeditem:{write.__name__}:{settings.FEED_FULL_CONTENT:d}", schedule=True)
    if parts.prefix is None:
        found = statements.run((*key, "rows"), rows, *values)
        return [_written(row, write, db) for row in found]
    listed = statements.run((*key, "ids"), ids, *values)
    # An item shows its section's name: a renamed section is another item.
    names = {pk: f"{pk}:{_digest(section)}" for pk, section in listed}
    parts.fetch({name: (f"article:{pk}",) for pk, name in names.items()})
    if any(parts.get(name) is None for name in names.values()):
        for row in statements.run((*key, "rows"), rows, *values):
            name = names.get(row[0])
            if name is not None and parts.get(name) is None:
                written = _written(row, write, db)
                parts.put(name, written, [f"article:{row[0]}"], len(written[0]))
    return [parts.get(name) for name in names.values() if parts.get(name) is not None]


def _digest(text):
    return hashlib.sha256(str(text).encode()).hexdigest()[:8]
