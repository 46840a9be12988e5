"""Search results as list items, written in Python in one pass (issue 27, "cheaper cold
pages"), as listings write their teasers (articles.teasers): a results page shows twenty,
and as template markup with filters and tags per result they were most of the cost of a
search rendered with nothing cached.

`result_html()` reads only what the page's one query gives each row (search.results,
ArticleQuerySet.for_teasers): the headlines (search.headlines), the section, the byline
from `teaser_bylines`, and the lead image's columns as one JSON value (`teaser_image`), so
no Image is built per result.
"""

from articles.teasers import byline_html, escape
from core.links import quick_reverse
from core.templatetags.times import day_or_time
from media.models import picture_renditions

from .headlines import highlight, snippet

# Thumbnails are shown at most 10rem wide: the smallest rendition, and the next for
# high-density screens.
THUMBNAIL_SIZES = "(min-width: 40em) 10rem, 6rem"


def thumbnail_html(renditions, alt, width, height):
    """A result's thumbnail: the smallest of `renditions` ([(width, url)], smallest first;
    the next one in srcset for sharp screens), with its size so nothing shifts, its alt
    text, loaded lazily. `width` and `height` are the picture's own."""
    renditions = renditions[:2]
    if not renditions:
        return ""
    shown, src = renditions[0]
    shown_height = round(height * shown / width) if width and height else None
    srcset = ", ".join(f"{url} {w}w" for w, url in renditions)
    return (
        f'<img src="{escape(src)}" srcset="{escape(srcset)}" sizes="{THUMBNAIL_SIZES}" '
        f'alt="{escape(alt)}" width="{shown}" height="{shown_height or shown}" '
        'loading="lazy" decoding="async">'
    )


def _thumbnail(article):
    row = article.teaser_image
    renditions = picture_renditions(row["file"], row["width"], row["names"])
    return thumbnail_html(renditions, row["alt"], row["width"], row["height"])


def result_html(article):
    """One result, `<li>…</li>`: thumbnail, section label, highlighted title, the snippet
    (search.headlines.snippet), byline and date. The markup templates/search/results.html
    wrote per result before."""
    url = escape(article.get_absolute_url())
    parts = []
    if article.lead_image_id:
        parts.append(
            '<li class="search-result search-result--image">\n        \n'
            f'        <a class="search-thumb" href="{url}" tabindex="-1" aria-hidden="true">\n'
            f"          {_thumbnail(article)}\n        </a>\n        \n"
        )
    else:
        parts.append('<li class="search-result">\n        \n')
    parts.append('        <div class="search-result-text">\n          ')
    if article.section_id:
        section = article.section
        section_url = escape(quick_reverse("articles:section", slug=section.slug))
        parts.append(f'<p class="kicker"><a href="{section_url}">{escape(section.name)}</a></p>')
    title = highlight(getattr(article, "title_headline", ""))
    parts.append(
        f'\n          <h2 class="teaser-title"><a href="{url}">{title}</a></h2>\n          '
    )
    text = snippet(article)
    if text:
        parts.append(f'<p class="search-snippet">{text}</p>')
    byline = byline_html(article.teaser_bylines or ())
    if byline:
        byline = f'<span class="byline">By {byline}</span> · '
    parts.append(
        f'\n          <p class="meta">{byline}{day_or_time(article.published_at)}</p>\n'
        "        </div>\n      </li>"
    )
    return "".join(parts)
