from django import template
from django.urls import reverse

from support.context_processors import SiteLinks
from support.models import render_sentence

register = template.Library()


@register.simple_tag(takes_context=True)
def support_sentence(context):
    """The support sentence linking to /support/. Reuses the page's site links (one query
    shared with the footer) when the context processor provided them."""
    links = context.get("support_links") or SiteLinks()
    return render_sentence(links.sentence, reverse("support:index"))
