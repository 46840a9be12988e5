from django import template

from embeds.body import render_body

register = template.Library()


@register.simple_tag(takes_context=True)
def embed_body(context, html):
    """An article body with click-to-load facades for its pasted videos and posts."""
    return render_body(html, context.get("request"))
