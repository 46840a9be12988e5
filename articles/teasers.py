"""Teasers in listings (the front page, sections, tags, authors, related articles), written
in Python from data each article row carries (issue 27, "cheaper cold pages").

A listing shows up to forty-odd teasers; as a template include per teaser (with the picture
and the byline as includes of their own) they were most of the cost of a listing rendered
with nothing cached. `teaser_html()` writes the same markup in one pass, reading only:

- the article row with its section, and its lead image's columns as one JSON value (one
  query for the listing, no prefetch, no Image object built per teaser:
  ArticleQuerySet.for_teasers, or the reader listings' querysets.read_teasers); the
  picture's `src`/`srcset` come from the rendition names the image stores
  (media.models.picture);
- `Article.teaser_bylines`, the byline's authors as [[slug, name], ...] in byline order,
  rewritten by `refresh_teaser_bylines()` in one UPDATE whenever a byline is added, moved or
  removed, or an author's name or address changes (articles/signals.py), as
  `search_names` is;
- what other apps put before the headline (`register_badge`: the live blogs' "Live"
  badge, from their coverage windows).

The markup is what templates/includes/article_teaser.html wrote (that template is gone):
image, section label, headline, standfirst, byline and date.

Each teaser is also kept across requests (`TeaserBatch`, core.fragments.Parts), per article
and per way a page shows it, checked against what it shows (`teaser_tags`): the article
(its row, byline, lead image and address all touch `article:<pk>`: articles.invalidation,
media's image changes) and its section's name and address (`section-label:<pk>`). So a
listing rendered again after a change (a story published, a section page gone stale)
writes only the teasers of the articles that changed. The badges stay outside what is
kept (a marker in the kept HTML), so "Live" is decided on every render; the times are the
article's own, written as dates that static/js/times.js turns into "14:05" in the browser.
"""

from html import escape as _html_escape

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import JSONField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, JSONArray

from core.fragments import Parts
from core.links import quick_reverse
from core.templatetags.times import day_or_time
from media.models import picture

from .querysets import TeaserIterable


def escape(text):
    """django.utils.html.escape's text, without its lazy-string wrapper (a listing escapes
    some four hundred values); the markup is marked safe once, by the template tag."""
    return _html_escape(str(text))


SIZES = "(min-width: 60em) 20em, (min-width: 40em) 45vw, 100vw"
# On phones a compact teaser (front-page blocks) is a row with a small thumbnail.
COMPACT_SIZES = "(min-width: 60em) 20em, (min-width: 40em) 45vw, 6.5rem"

# What goes before a teaser's headline link, registered by the apps that have one
# (liveblog: the "Live" badge), so articles need not know them: functions called once per
# listing, each giving a function (article) -> HTML (reading what it needs once, not per
# teaser).
_badges = []


def register_badge(badges_for_listing):
    if badges_for_listing not in _badges:
        _badges.append(badges_for_listing)


def badge_writers():
    """One listing's badge functions, (article) -> HTML."""
    return [badges_for_listing() for badges_for_listing in _badges]


def author_url(slug):
    return quick_reverse("authors:detail", slug=slug)


def byline_html(bylines):
    """'<a …>A</a>, <a …>B</a> and <a …>C</a>' for [[slug, name], ...]."""
    links = [
        f'<a href="{escape(author_url(slug))}" rel="author">{escape(name)}</a>'
        for slug, name in bylines
    ]
    if len(links) < 2:
        return "".join(links)
    return f"{', '.join(links[:-1])} and {links[-1]}"


def picture_html(article, sizes, eager):
    """The responsive <img> of the article's lead image (templates/includes/picture.html's
    markup), from the row's `teaser_image` (ArticleQuerySet.for_teasers), else from the
    Image itself."""
    row = getattr(article, "teaser_image", None)
    if row is not None:
        src, srcset = picture(row["file"], row["width"], row["names"])
        width, height, alt = row["width"], row["height"], row["alt"]
    else:
        image = article.lead_image
        src, srcset = image.src(), image.srcset()
        width, height, alt = image.width, image.height, image.alt_text
    size = f' width="{width}" height="{height}"' if width else ""
    loading = ' loading="eager" fetchpriority="high"' if eager else ' loading="lazy"'
    return (
        f'<img src="{escape(src)}" srcset="{escape(srcset)}" sizes="{escape(sizes)}" '
        f'alt="{escape(alt)}"{size}{loading} decoding="async">'
    )


def teaser_html(
    article,
    heading="h2",
    variant="",
    compact=False,
    eager=False,
    sizes=None,
    show_section=True,
    listing=None,
    badges=None,
):
    """One teaser. heading "h2" or "h3"; variant "lead" for the front page's lead story;
    compact (front-page blocks) leaves the standfirst off and asks for a thumbnail on
    phones; eager for the first image above the fold. The section label is left off with
    show_section=False and on that section's own page (`listing`). `badges`: written in
    place of the registered badges (a marker, in a teaser kept across requests)."""
    url = escape(article.get_absolute_url())
    classes = "teaser"
    if variant:
        classes += f" teaser--{escape(variant)}"
    if compact:
        classes += " teaser--compact"
    parts = [f'<article class="{classes}">\n']
    if article.lead_image_id:
        chosen = COMPACT_SIZES if compact else (sizes or SIZES)
        parts.append(
            f'  <a class="teaser-image" href="{url}" tabindex="-1" aria-hidden="true">\n'
            f"    {picture_html(article, chosen, eager)}\n  </a>\n"
        )
    parts.append('  <div class="teaser-text">\n')
    section = article.section if article.section_id else None
    if (
        section is not None
        and show_section
        and not (type(listing) is type(section) and listing.pk == section.pk)
    ):
        section_url = escape(quick_reverse("articles:section", slug=section.slug))
        parts.append(
            f'    <p class="kicker"><a href="{section_url}">{escape(section.name)}</a></p>\n'
        )
    parts.append(
        f'    <{heading} class="teaser-title">{badges_html(article) if badges is None else badges}'
        f'<a href="{url}">{escape(article.title)}</a></{heading}>\n'
    )
    if article.standfirst and not compact:
        parts.append(f'    <p class="teaser-standfirst">{escape(article.standfirst)}</p>\n')
    byline = byline_html(article.teaser_bylines or ())
    if byline:
        byline = f'<span class="byline">By {byline} · </span>'
    parts.append(f'    <p class="meta">{byline}{day_or_time(article.published_at)}</p>\n')
    parts.append("  </div>\n</article>")
    return "".join(parts)


def badges_html(article, writers=None):
    """The badges before `article`'s headline; `writers`: badge_writers() of its listing."""
    writers = badge_writers() if writers is None else writers
    return "".join(write(article) for write in writers)


# --- Teasers kept across requests ---------------------------------------------------------
BADGES = "\x00badges\x00"  # where a kept teaser's badges go


def teaser_tags(article):
    """What a teaser shows, as core.content_state tags: the article (a change of its row,
    byline, author's name or address, or lead image touches `article:<pk>`) and its
    section's label."""
    if article.section_id:
        return (f"article:{article.pk}", f"section-label:{article.section_id}")
    return (f"article:{article.pk}",)


class TeaserBatch:
    """The teasers of the articles one listing query read (ArticleQuerySet.for_teasers
    gives each row the batch of its query; querysets.read_teasers its own), kept per
    article (core.fragments.Parts): the first teaser written reads every article's in one
    round trip. `full(ids)`, when given, reads those of the listing's articles with all a
    teaser shows (the batch's own rows carry only their ids, sections and times), when a
    teaser has to be written (`written()`)."""

    def __init__(self, articles, started, full=None):
        self.articles = articles
        self.started = started  # time.time() before the rows were read
        self.parts = None
        self.full = full
        self.read = set()  # the ids whose full rows were asked for
        self.written_from = {}  # id: the article with its full row
        self.badge_writers = None  # badge_writers(), for every teaser of the listing

    def __getstate__(self):  # an article pickled with its batch takes none along
        return {"articles": (), "started": 0.0}

    def __setstate__(self, state):
        self.__init__(**state)

    def html(self, article, options):
        """The teaser of `article` written with `options` (teaser_html's arguments), from
        what is kept or written now and kept, with its badges as they are now."""
        if self.parts is None:
            self.parts = Parts("teaser", self.started)
            self.parts.fetch({str(a.pk): teaser_tags(a) for a in self.articles})
        name, variant = str(article.pk), repr(sorted(options.items()))
        kept = self.parts.get(name) or {}
        html = kept.get(variant)
        if html is None:
            html = teaser_html(self.written(article, variant), badges=BADGES, **options)
            kept = {**kept, variant: html}
            size = sum(map(len, kept.values()))
            self.parts.put(name, kept, teaser_tags(article), size)
        if self.badge_writers is None:
            self.badge_writers = badge_writers()
        return html.replace(BADGES, badges_html(article, self.badge_writers))

    def written(self, article, variant):
        """The article with all its teaser shows, to write it as `variant`. Only the rows
        of teasers not kept are read (a row costs about as much to make as the query
        takes; after one story's change, one row). The first time: of this article and
        every listed one with no teaser kept, and, when this one is kept only shown
        another way (an article first seen on the front page, now on its section's), of
        every one not kept as `variant`; then, for one shown another way still (the front
        page's lead), of all the rest. So at most two reads per listing, however many
        articles it shows."""
        if self.full is None:
            return article
        if article.pk not in self.written_from:
            unread = [listed.pk for listed in self.articles if listed.pk not in self.read]
            if not self.read:
                shown_otherwise = bool(self.parts.get(str(article.pk)))
                wanted = variant if shown_otherwise else None
                unread = [pk for pk in unread if self.not_kept(pk, wanted)]
            self.read.update(unread)
            if unread:
                self.written_from.update((full.pk, full) for full in self.full(unread))
        # One taken off the listing between the two reads is written from its own row.
        return self.written_from.get(article.pk, article)

    def not_kept(self, pk, variant=None):
        """Whether no teaser of article `pk` is kept (as `variant`, when given)."""
        kept = self.parts.get(str(pk))
        return not kept or (variant is not None and variant not in kept)


def batch_teasers(articles, started, full=None):
    """Give the articles one listing query read (a list; the query began at `started`, a
    time.time()) their TeaserBatch; `full`: see TeaserBatch."""
    batch = TeaserBatch(articles, started, full)
    for article in articles:
        article.teaser_batch = batch


TeaserIterable.batch = batch_teasers


def kept_teaser_html(article, listing=None, show_section=True, **options):
    """teaser_html(), through the article's TeaserBatch when its query has one."""
    sections = article._meta.get_field("section").related_model
    if show_section and article.section_id is not None and type(listing) is sections:
        show_section = listing.pk != article.section_id
    batch = article.__dict__.get("teaser_batch")
    if batch is None:
        return teaser_html(article, show_section=show_section, **options)
    return batch.html(article, {"show_section": show_section, **options})


# --- Keeping Article.teaser_bylines current ---------------------------------------------


def _bylines():
    from .models import ArticleAuthor

    return (
        ArticleAuthor.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(
            bylines=JSONBAgg(JSONArray("author__slug", "author__name"), order_by=("position", "id"))
        )
        .values("bylines")
    )


def refresh_teaser_bylines(article_ids):
    """Rewrite `teaser_bylines` ([[author slug, name], ...] in byline order) for the given
    articles (a list of ids or a queryset of ids) in ONE UPDATE. Returns the rows changed."""
    from .models import Article

    return Article.objects.filter(pk__in=article_ids).update(
        teaser_bylines=Coalesce(Subquery(_bylines()), Value([], output_field=JSONField()))
    )
