"""Head metadata and structured data for every page, in one place: canonical links,
rel=prev/next, feed links, robots directives, sharing cards and JSON-LD.

Templates fill base.html's head blocks with these tags instead of writing meta by hand.
"""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from defenceblog import structured_data as sd

register = template.Library()

# The same escaping as Django's json_script: "</script>" and friends cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(url):
    return sd.absolute(url)


def _published_page_slugs(context):
    """Slugs of the site's published pages, from the footer's lazy context (no extra
    query: the footer needs the same row). None when unknown."""
    links = context.get("support_links")
    try:
        return {page.slug for page in links.pages}
    except AttributeError:
        return None


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
        url = _absolute(request.path)
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
        links.append((rel, _absolute(request.path) + (f"?{query}" if query else "")))
    return format_html_join("\n  ", '<link rel="{}" href="{}">', links)


FEEDS = {
    "site": ("articles:feed", "articles:feed_atom"),
    "section": ("articles:section_feed", "articles:section_feed_atom"),
    "tag": ("articles:tag_feed", "articles:tag_feed_atom"),
    "author": ("articles:author_feed", "articles:author_feed_atom"),
    "corrections": ("articles:corrections_feed", "articles:corrections_feed_atom"),
}


@register.simple_tag
def feed_links(kind="site", obj=None):
    """rel=alternate links to the RSS and Atom feeds of the site, a section, tag or author,
    or the corrections log."""
    rss, atom = FEEDS[kind]
    kwargs = {"slug": obj.slug} if obj is not None else {}
    if kind == "site":
        title = settings.SITE_NAME
    elif kind == "corrections":
        title = f"Corrections | {settings.SITE_NAME}"
    else:
        title = f"{obj.name} | {settings.SITE_NAME}"
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">\n  '
        '<link rel="alternate" type="application/atom+xml" title="{} (Atom)" href="{}">',
        title,
        _absolute(reverse(rss, kwargs=kwargs)),
        title,
        _absolute(reverse(atom, kwargs=kwargs)),
    )


@register.simple_tag
def article_robots(article):
    """noindex for anything readers cannot see (drafts, scheduled work, previews);
    googlebot-news noindex when an editor keeps the article out of Google News."""
    tags = []
    if not article.is_published:
        tags.append(("robots", "noindex, nofollow"))
    elif article.exclude_from_news:
        tags.append(("googlebot-news", "noindex"))
    return format_html_join("\n  ", '<meta name="{}" content="{}">', tags)


@register.inclusion_tag("includes/social_article.html")
def article_social(article):
    """OpenGraph and Twitter card tags with the lead image's large 16:9 crop."""
    image = article.lead_image
    width, height = image.CROPS["crop_16x9"] if image else (None, None)
    return {
        "article": article,
        "url": _absolute(article.get_absolute_url()),
        "image_url": _absolute(image.crop_url("crop_16x9")) if image else "",
        "image": image,
        "image_width": width,
        "image_height": height,
        "modified": article.content_updated_at if article.was_updated else article.published_at,
        "authors": [_absolute(author.get_absolute_url()) for author in article.byline_authors],
    }


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """NewsArticle (with corrections) and its breadcrumbs."""
    trail = []
    if article.section:
        trail.append((article.section.name, article.section.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    corrections = article.visible_corrections()
    data = sd.graph(
        sd.news_article(article, corrections, _published_page_slugs(context)),
        sd.breadcrumbs(*trail),
    )
    return json_ld(context, data)


@register.simple_tag(takes_context=True)
def front_page_json_ld(context):
    """WebSite with a SearchAction, and the publisher."""
    return json_ld(context, sd.graph(sd.website(), sd.organization(_published_page_slugs(context))))


@register.simple_tag(takes_context=True)
def listing_json_ld(context, name, url):
    """Breadcrumbs for a section or tag page."""
    return json_ld(context, sd.graph(sd.breadcrumbs((name, url))))


@register.simple_tag(takes_context=True)
def author_json_ld(context, author):
    """ProfilePage with the author as a Person, the publisher they work for, breadcrumbs."""
    return json_ld(
        context,
        sd.graph(
            sd.profile_page(author),
            sd.organization(_published_page_slugs(context)),
            sd.breadcrumbs(
                ("Authors", reverse("authors:list")), (author.name, author.get_absolute_url())
            ),
        ),
    )
