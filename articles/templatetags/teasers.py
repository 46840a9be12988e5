"""`{% teaser article heading="h3" compact=True %}`, `{% teasers articles … %}` and
`{% byline article %}`: listings' teasers and bylines, written in Python
(articles.teasers) from what the article row carries. The section label is left off on
that section's own page (`listing` in the context)."""

from django import template
from django.utils.safestring import mark_safe

from ..teasers import byline_html, kept_teaser_html

register = template.Library()


@register.simple_tag(takes_context=True)
def teaser(
    context, article, heading="h2", variant="", compact=False, eager=False, sizes=None, **kwargs
):
    return mark_safe(  # noqa: S308 (every value is escaped by teaser_html)
        kept_teaser_html(
            article,
            heading=heading,
            variant=variant,
            compact=compact,
            eager=eager,
            sizes=sizes,
            show_section=kwargs.get("show_section", True),
            listing=context.get("listing"),
        )
    )


@register.simple_tag(takes_context=True)
def teasers(context, articles, heading="h2", eager_first=False, **options):
    """`{% teasers articles heading="h3" compact=True %}`: the teasers of a whole list, as
    `{% for %}` over `{% teaser %}` wrote them, in one tag (a listing shows up to forty);
    eager_first: the first one's image loads eagerly (the top of the page)."""
    listing = context.get("listing")
    show_section = options.pop("show_section", True)
    return mark_safe(  # noqa: S308 (every value is escaped by teaser_html)
        "".join(
            kept_teaser_html(
                article,
                heading=heading,
                variant=options.get("variant", ""),
                compact=options.get("compact", False),
                eager=eager_first and n == 0,
                sizes=options.get("sizes"),
                show_section=show_section,
                listing=listing,
            )
            for n, article in enumerate(articles)
        )
    )


@register.simple_tag
def byline(article):
    """The article's authors as links, "A, B and C" (empty without bylines)."""
    return mark_safe(byline_html(article.teaser_bylines or ()))  # noqa: S308 (escaped)
