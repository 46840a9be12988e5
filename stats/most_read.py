""" "Most read": the published articles with the most engaged reads in the last 24 hours.

Computed from the hourly rollup by the task worker (stats/tasks.py, at most once a
minute while hits come in) and kept in the cache, where reader pages read it with no
database query (templatetags/stats_tags.py). Until it is first computed, or while the
cache is down, pages show no list.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article

from .models import ArticleHour

logger = logging.getLogger(__name__)

CACHE_KEY = "stats:most-read"
COUNT = 5
KEEP_SECONDS = 6 * 3600


def compute(now=None, count=COUNT):
    """[{"title", "url", "reads"}] best first: two queries, over one day of the rollup."""
    now = now or timezone.now()
    top = (
        ArticleHour.objects.filter(hour__gt=now - timedelta(hours=24), engaged__gt=0)
        .values("article_id")
        .annotate(reads=Sum("engaged"))
        .order_by("-reads", "article_id")[: count * 2]
    )
    reads = {row["article_id"]: row["reads"] for row in top}
    articles = (
        Article.objects.published().filter(pk__in=reads).only("pk", "title", "slug", "published_at")
    )
    ranked = sorted(articles, key=lambda a: (-reads[a.pk], a.pk))[:count]
    return [{"title": a.title, "url": a.get_absolute_url(), "reads": reads[a.pk]} for a in ranked]


def refresh(now=None):
    entries = compute(now)
    cache.set(CACHE_KEY, entries, KEEP_SECONDS)
    return entries


def cached():
    """The list the worker last computed, or [] (never a query). A cache that fails leaves
    the block out; the page is served all the same."""
    try:
        return cache.get(CACHE_KEY) or []
    except Exception:  # any cache backend's error: the list is an extra, never a 500
        logger.warning("Most read: the cache did not answer", exc_info=True)
        return []
