from django import template
from django.utils.html import format_html

from search.headlines import highlight as highlight_headline
from search.headlines import snippet as result_snippet

register = template.Library()


@register.filter
def highlight(headline):
    """A search headline as safe HTML: escaped, with the matched words in <mark>."""
    return highlight_headline(headline)


@register.filter
def passage(headline):
    """A highlighted passage of the text, with ellipses where it is cut mid-sentence."""
    return highlight_headline(headline, passage=True)


@register.filter
def snippet(article):
    """The passage a search result shows (search.headlines.snippet)."""
    return result_snippet(article)


# Thumbnails are shown at most 10rem wide: the smallest rendition, and the next for
# high-density screens.
THUMBNAIL_SIZES = "(min-width: 40em) 10rem, 6rem"


@register.filter
def thumbnail(image):
    """A result's thumbnail: the image's smallest rendition (the next one in srcset for
    sharp screens), with its size so nothing shifts, its alt text, loaded lazily. Names
    come from the image row: no query, no storage call."""
    renditions = image.renditions()[:2]
    if not renditions:
        return ""
    width, src = renditions[0]
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}" loading="lazy"'
        ' decoding="async">',
        src,
        ", ".join(f"{url} {w}w" for w, url in renditions),
        THUMBNAIL_SIZES,
        image.alt_text,
        width,
        image.height_for(width) or width,
    )
