"""The "Live" badge on a live blog's teaser in listings (articles.teasers, which this app
registers it with: the front page, sections, tags, authors, related articles). The
article page has its own, next to the headline (the `liveblog` library's live_header)."""

from django import template
from django.utils.html import format_html

from core.fragments import remember

from ..models import LiveBlog, is_live_between

register = template.Library()


def _coverage_windows():
    """{article id: (coverage start, end or None)} of the live blogs that have not ended:
    one query per content state (core.fragments.remember), however many teasers a page
    has. Whether each is live is decided when a page is rendered."""
    rows = LiveBlog.objects.not_ended().values_list("article_id", "coverage_start", "coverage_end")
    return {article_id: (start, end) for article_id, start, end in rows}


def live_badges():
    """The badge function of one listing (articles.teasers.register_badge): article ->
    <span class="live-badge">Live</span> while its coverage is live, else nothing. The
    coverage windows are looked up once for the listing, not per teaser."""
    windows = remember("live_coverage_windows", _coverage_windows)

    def live_badge(article):
        window = windows.get(article.pk)
        if window is None or not is_live_between(*window):
            return ""
        return format_html('<span class="live-badge">{}</span> ', "Live")

    return live_badge
