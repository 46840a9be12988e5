"""Head metadata for article pages and the article feeds: feed links, robots directives,
sharing cards and the NewsArticle / WebSite JSON-LD. The generic tags (canonical_link,
pagination_links, json_ld, listing_json_ld) are core's `seo` library."""

from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core import structured_data as sd
from core.links import absolute_url
from core.templatetags.seo import json_ld

from .. import structured_data

register = template.Library()

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
        absolute_url(reverse(rss, kwargs=kwargs)),
        title,
        absolute_url(reverse(atom, kwargs=kwargs)),
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
    width, height = image.crop_size("crop_16x9") if image else (None, None)
    return {
        "article": article,
        "url": absolute_url(article.get_absolute_url()),
        "image_url": absolute_url(image.crop_url("crop_16x9")) if image else "",
        "image": image,
        "image_width": width,
        "image_height": height,
        "image_type": image.crop_type("crop_16x9") if image else "",
        "modified": article.modified_for_readers,
        "authors": [absolute_url(author.get_absolute_url()) for author in article.byline_authors],
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
        structured_data.news_article(article, corrections, sd.publisher(context)),
        sd.breadcrumbs(*trail),
    )
    return json_ld(context, data)


@register.simple_tag(takes_context=True)
def front_page_json_ld(context):
    """WebSite with a SearchAction, and the publisher."""
    return json_ld(context, sd.graph(structured_data.website(), sd.publisher(context)))


SHARE_TARGETS = (
    # label, address, its query with {url} and {title} filled in
    ("E-mail", "mailto:", {"body": "{url}", "subject": "{title}"}),
    ("X", "https://x.com/intent/post", {"url": "{url}", "text": "{title}"}),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php", {"u": "{url}"}),
    ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/", {"url": "{url}"}),
    ("WhatsApp", "https://wa.me/", {"text": "{title} {url}"}),
    ("Telegram", "https://t.me/share/url", {"url": "{url}", "text": "{title}"}),
)


@register.inclusion_tag("includes/share_links.html")
def share_links(article):
    """Plain share links (no third-party script or request until a reader clicks one),
    and the address and title for the button static/js/share.js shows: the phone's own
    share sheet where the browser has one, else copy-link."""
    url = absolute_url(article.get_absolute_url())
    links = [
        (
            label,
            base
            + "?"
            + urlencode(
                {name: value.format(url=url, title=article.title) for name, value in query.items()},
                quote_via=quote,
            ),
        )
        for label, base, query in SHARE_TARGETS
    ]
    return {"share_links": links, "share_url": url, "share_title": article.title}
