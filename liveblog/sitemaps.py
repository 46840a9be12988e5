"""The Google News sitemap with live blogs: articles' NewsSitemap (published in the last
48 hours) plus every live blog whose coverage is live, however long ago it began.
defenceblog/sitemaps.py serves it."""

from articles.models import Article
from articles.sitemaps import NewsSitemap

from .models import LiveBlog


class NewsWithLiveBlogs(NewsSitemap):
    def items(self):
        # Small reads, each through an index: the articles' own window (at most `limit`,
        # newest first), then the live blogs' articles, merged here.
        recent = list(super().items()[: self.limit])
        shown = {article.pk for article in recent}
        # The live blogs' articles by primary key, from a list: a subquery here let the
        # planner scan the archive instead.
        live_ids = [pk for pk in LiveBlog.objects.live_article_ids() if pk not in shown]
        live = (
            Article.objects.published()
            .filter(canonical_url="", exclude_from_news=False, pk__in=live_ids)
            .only("pk", "title", "slug", "published_at", "modified")
        )
        merged = recent + list(live)
        merged.sort(key=lambda article: (article.published_at, article.pk), reverse=True)
        return merged[: self.limit]
