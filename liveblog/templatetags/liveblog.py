"""The live blog's parts of the article page (templates/articles/article_detail.html):
its timeline after the body, its feed link and its JSON-LD. For an ordinary article each
renders what the page had before (or nothing) without a query (liveblog.pages)."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from articles.templatetags.article_seo import article_json_ld
from core import structured_data as sd
from core.links import absolute_url
from core.pagecache import shows
from core.templatetags.seo import json_ld

from .. import pages
from ..structured_data import live_blog_posting

register = template.Library()


def _timeline(article):
    """The article's Timeline (read once per page, whichever part asks first), or None."""
    if "_live_timeline" not in article.__dict__:
        coverage = pages.coverage_of(article)
        article._live_timeline = pages.timeline(coverage) if coverage else None
    return article._live_timeline


@register.simple_tag(takes_context=True)
def live_timeline(context, article):
    """The updates, newest first, with key events and pinned updates above them."""
    timeline = _timeline(article)
    if timeline is None:
        return ""
    shows(context.get("request"), f"live:{timeline.coverage.article_id}")
    return render_to_string(
        "liveblog/timeline.html",
        {
            "article": article,
            "timeline": timeline,
            "page_url": article.get_absolute_url(),
            "poll_seconds": pages.poll_seconds(),
        },
        request=context.get("request"),
    )


@register.simple_tag
def live_header(article):
    """For a live blog, next to the headline: its stylesheet and, while it is live, the
    "Live" badge with the time of the newest update (static/js/liveblog.js shows it as
    "2 min ago"). Nothing for an ordinary article."""
    timeline = _timeline(article)
    if timeline is None:
        return ""
    return render_to_string(
        "liveblog/header.html",
        {"live": timeline.coverage.is_live, "updated": pages.last_updated(timeline)},
    )


@register.filter
def is_live_blog(article):
    """Whether the article is a live blog (live now or ended): no reading time for it."""
    return pages.coverage_of(article) is not None


@register.simple_tag(takes_context=True)
def live_or_article_json_ld(context, article):
    """LiveBlogPosting for a live blog (its coverage and updates), else the article's
    NewsArticle (articles' own tag)."""
    timeline = _timeline(article)
    if timeline is None:
        return article_json_ld(context, article)
    shows(context.get("request"), f"live:{timeline.coverage.article_id}")
    trail = []
    if article.section:
        trail.append((article.section.name, article.section.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    data = sd.graph(
        live_blog_posting(article, article.visible_corrections(), sd.publisher(context), timeline),
        sd.breadcrumbs(*trail),
    )
    return json_ld(context, data)


@register.simple_tag
def live_feed_link(article):
    """<link rel="alternate"> to the live blog's feed of updates."""
    if pages.coverage_of(article) is None:
        return ""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">',
        f"{article.title}: live updates",
        absolute_url(reverse("liveblog:feed", kwargs={"pk": article.pk})),
    )
