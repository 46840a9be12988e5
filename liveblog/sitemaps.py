"""The Google News sitemap with live blogs: articles' NewsSitemap (published in the last
48 hours) plus every live blog whose coverage is live, however long ago it began.
defenceblog/sitemaps.py serves it."""

from django.utils import timezone

from articles.models import Article
from articles.sitemaps import NEWS_WINDOW, NewsSitemap

from .models import LiveBlog


class NewsWithLiveBlogs(NewsSitemap):
    def items(self):
        indexable = Article.objects.published().filter(canonical_url="", exclude_from_news=False)
        # Two small look-ups, each through an index, joined by primary key.
        recent = indexable.filter(published_at__gte=timezone.now() - NEWS_WINDOW).values("pk")
        live = LiveBlog.objects.live().values("article_id")
        return (
            indexable.filter(pk__in=recent[: self.limit].union(live))
            .only("pk", "title", "slug", "published_at", "modified")
            .order_by("-published_at", "-id")
        )
