from django import template

from articles.search import highlight as highlight_headline

register = template.Library()


@register.filter
def highlight(headline):
    """A search headline as safe HTML: escaped, with the matched words in <mark>."""
    return highlight_headline(headline)


@register.filter
def passage(headline):
    """A highlighted passage of the text, with ellipses where it is cut mid-sentence."""
    return highlight_headline(headline, passage=True)
