"""Head metadata that knows no app: canonical links, rel=prev/next, JSON-LD rendering and
breadcrumbs for listings. Templates fill base.html's head blocks with these tags instead
of writing meta by hand; the apps' own tag libraries (articles' `article_seo`, authors'
`author_seo`) describe their pages with json_ld().
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core import structured_data as sd
from core.links import absolute_url

register = template.Library()

# The same escaping as Django's json_script: "</script>" and friends cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context, data):
    """<script type="application/ld+json"> with json_script-style escaping. JSON-LD is
    data, not code, but it carries the CSP nonce so browsers report nothing."""
    request = context.get("request")
    nonce = str(request.csp_nonce) if getattr(request, "csp_nonce", None) is not None else ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else ""
    return format_html(
        '<script type="application/ld+json"{}>{}</script>',
        nonce_attr,
        mark_safe(text),  # noqa: S308 — escaped above like json_script
    )


@register.simple_tag(takes_context=True)
def canonical_link(context, url=None):
    """rel=canonical: `url` when given, else this page's address (with ?page=N from the
    second page of a listing on)."""
    if url is None:
        request = context["request"]
        url = absolute_url(request.path)
        page_obj = context.get("page_obj")
        if page_obj is not None and page_obj.number > 1:
            url += f"?page={page_obj.number}"
    return format_html('<link rel="canonical" href="{}">', url)


@register.simple_tag(takes_context=True)
def pagination_links(context):
    """rel=prev and rel=next for paginated listings, keeping the other query parameters."""
    page_obj = context.get("page_obj")
    request = context.get("request")
    if page_obj is None or request is None or page_obj.paginator.num_pages < 2:
        return ""
    links = []
    for rel, has, number in (
        ("prev", page_obj.has_previous, page_obj.previous_page_number),
        ("next", page_obj.has_next, page_obj.next_page_number),
    ):
        if not has():
            continue
        params = request.GET.copy()
        params.pop("page", None)
        if number() > 1:
            params["page"] = number()
        query = params.urlencode()
        links.append((rel, absolute_url(request.path) + (f"?{query}" if query else "")))
    return format_html_join("\n  ", '<link rel="{}" href="{}">', links)


@register.simple_tag(takes_context=True)
def listing_json_ld(context, name, url):
    """Breadcrumbs for a listing page (a section, a tag)."""
    return json_ld(context, sd.graph(sd.breadcrumbs((name, url))))
