"""`{% teaser article heading="h3" compact=True %}`, `{% teasers articles … %}` and
`{% byline article %}`: listings' teasers and bylines, written in Python
(articles.teasers) from what the article row carries. The section label is left off on
that section's own page (`listing` in the context)."""

from django import template
from django.utils.safestring import mark_safe

from ..teasers import byline_html, kept_teaser_html

register = template.Library()


@register.simple_tag(takes_context=True)
def teaser(context, article, heading="h2", eager=False, **options):
    """One teaser (`teasers`' options: variant, compact, sizes, show_section)."""
    return teasers(context, [article], heading, eager_first=eager, **options)


@register.simple_tag(takes_context=True)
def teasers(
    context,
    articles,
    heading="h2",
    eager_first=False,
    variant="",
    compact=False,
    sizes=None,
    show_section=True,
):
    """`{% teasers articles heading="h3" compact=True %}`: the teasers of a whole list in
    one tag, as `{% for %}` over `{% teaser %}` wrote them (a listing shows up to forty);
    eager_first: the first one's image loads eagerly (the top of the page). Every option
    is passed, defaults too: a kept teaser is found by all of them."""
    options = {"heading": heading, "variant": variant, "compact": compact, "sizes": sizes}
    listing = context.get("listing")
    return mark_safe(  # noqa: S308 (every value is escaped by teaser_html)
        "".join(
            kept_teaser_html(
                article,
                eager=eager_first and n == 0,
                show_section=show_section,
                listing=listing,
                **options,
            )
            for n, article in enumerate(articles)
        )
    )


@register.simple_tag
def byline(article):
    """The article's authors as links, "A, B and C" (empty without bylines)."""
    return mark_safe(byline_html(article.teaser_bylines or ()))  # noqa: S308 (escaped)
