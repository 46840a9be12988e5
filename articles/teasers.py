"""Teasers in listings (the front page, sections, tags, authors, related articles), written
in Python from data each article row carries (issue 27, "cheaper cold pages").

A listing shows up to forty-odd teasers; as a template include per teaser (with the picture
and the byline as includes of their own) they were most of the cost of a listing rendered
with nothing cached. `teaser_html()` writes the same markup in one pass, reading only:

- the article row with its section, and its lead image's columns as one JSON value (one
  query for the listing, no prefetch, no Image object built per teaser:
  ArticleQuerySet.for_teasers); the picture's `src`/`srcset` come from the rendition names
  the image stores (media.models.picture);
- `Article.teaser_bylines`, the byline's authors as [[slug, name], ...] in byline order,
  rewritten by `refresh_teaser_bylines()` in one UPDATE whenever a byline is added, moved or
  removed, or an author's name or address changes (articles/signals.py), as
  `search_names` is;
- what other apps put before the headline (`register_badge`: the live blogs' "Live"
  badge, from their coverage windows).

The markup is what templates/includes/article_teaser.html wrote (that template is gone):
image, section label, headline, standfirst, byline and date.
"""

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import JSONField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, JSONArray
from django.utils.html import escape

from core.links import quick_reverse
from core.templatetags.times import day_or_time
from media.models import picture

SIZES = "(min-width: 60em) 20em, (min-width: 40em) 45vw, 100vw"
# On phones a compact teaser (front-page blocks) is a row with a small thumbnail.
COMPACT_SIZES = "(min-width: 60em) 20em, (min-width: 40em) 45vw, 6.5rem"

# Functions (article) -> HTML put before a teaser's headline link, registered by the apps
# that have one (liveblog: the "Live" badge), so articles need not know them.
_badges = []


def register_badge(badge):
    if badge not in _badges:
        _badges.append(badge)


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
):
    """One teaser. heading "h2" or "h3"; variant "lead" for the front page's lead story;
    compact (front-page blocks) leaves the standfirst off and asks for a thumbnail on
    phones; eager for the first image above the fold. The section label is left off with
    show_section=False and on that section's own page (`listing`)."""
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
        f'    <{heading} class="teaser-title">{"".join(badge(article) for badge in _badges)}'
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
