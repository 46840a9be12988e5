from django import template
from django.urls import reverse

from support.context_processors import SiteLinks
from support.models import render_sentence

register = template.Library()


@register.simple_tag(takes_context=True)
def support_sentence(context):
    """The support sentence linking to the donation form, with the article as the source
    (/support/donate/?from=<id>; without card giving it sends readers on to /support/).
    Reuses the page's site links (one query shared with the footer) when the context
    processor provided them."""
    links = context.get("support_links") or SiteLinks()
    article = context.get("article")
    url = reverse("giving:donate")
    if article is not None and getattr(article, "pk", None):
        url += f"?from={article.pk}"
    return render_sentence(links.sentence, url)
