"""The Google News sitemap with live blogs: articles' NewsSitemap (published in the last
48 hours) plus every live blog whose coverage is live, however long ago it began.
defenceblog/sitemaps.py serves it."""

from articles.models import Article
from articles.sitemaps import NewsSitemap

from .models import LiveBlog


class NewsWithLiveBlogs(NewsSitemap):
    def items(self):
        # Two small reads, each through an index: the articles' own window (at most
        # `limit`, newest first) and the live blogs' articles (by primary key), merged
        # here. A single query joining the two let the planner scan the archive.
        recent = list(super().items()[: self.limit])
        shown = {article.pk for article in recent}
        live = (
            Article.objects.published()
            .filter(
                canonical_url="",
                exclude_from_news=False,
                pk__in=LiveBlog.objects.live().values("article_id"),
            )
            .only("pk", "title", "slug", "published_at", "modified")
        )
        merged = recent + [article for article in live if article.pk not in shown]
        merged.sort(key=lambda article: (article.published_at, article.pk), reverse=True)
        return merged[: self.limit]
