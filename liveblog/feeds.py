"""A live blog's updates as an RSS feed (/live/<id>/feed/): the newest FEED_SIZE, each
linking to its anchor on the article page, with its whole text."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape

from articles.feed_items import FEED_SIZE, absolutize_html, tag_uri
from articles.feeds import ArticleRssFeed
from core.links import absolute_url
from core.pagecache import shows

from . import pages
from .views import published_blog


class LiveUpdates(Feed):
    feed_type = ArticleRssFeed
    item_guid_is_permalink = False

    def get_object(self, request, pk):
        blog = published_blog(pk)
        shows(request, f"live:{blog.pk}", f"article:{blog.article_id}")
        return blog

    def title(self, blog):
        return f"{blog.article.title}: live updates | {settings.SITE_NAME}"

    def description(self, blog):
        return blog.article.meta_description or settings.SITE_DESCRIPTION

    def link(self, blog):
        return absolute_url(blog.article.get_absolute_url())

    def feed_url(self, blog):
        return absolute_url(reverse("liveblog:feed", kwargs={"pk": blog.pk}))

    def items(self, blog):
        self.page_url = absolute_url(blog.article.get_absolute_url())
        updates = pages.newest(blog.pk, FEED_SIZE)[:FEED_SIZE]
        pinned = list(blog.updates.visible().filter(pinned=True).select_related("author")[:5])
        every = sorted(pinned + updates, key=lambda u: (u.published_at, u.pk), reverse=True)
        return pages.with_corrections(every[:FEED_SIZE])

    def item_title(self, update):
        return update.summary

    def item_description(self, update):
        text = absolutize_html(update.body)
        for correction in update.shown_corrections:
            kind, said = escape(correction.get_kind_display()), escape(correction.text)
            text += f"<p><strong>{kind}:</strong> {said}</p>"
        return text

    def item_link(self, update):
        return f"{self.page_url}#{update.anchor}"

    def item_guid(self, update):
        return tag_uri(update.created, f"live-update:{update.pk}")

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return max(update.published_at, update.modified)

    def item_author_name(self, update):
        return update.byline or None

    def item_extra_kwargs(self, update):
        return {}
