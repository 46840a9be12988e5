"""The Audience screens' demo: 30 days of hourly counts for the published demo stories,
so `make run` shows numbers, a chart, referrers and "Most read". The counts are made up
(a fixed seed, a daily rhythm, newer stories read more); nothing is about a real reader.
Loaded once: when any count exists, nothing is added."""

import random
from datetime import UTC, timedelta

from django.utils import timezone

from articles.models import Article
from stats import most_read, rollup
from stats.models import ArticleHour, SiteSourceHour, Source, SourceHour

DAYS = 30
HOSTS = {
    Source.SEARCH: ["www.google.com", "duckduckgo.com", "www.bing.com"],
    Source.SOCIAL: ["t.co", "bsky.app", "www.linkedin.com", "old.reddit.com"],
    Source.NEWSLETTER: [""],
    Source.SITE: ["forum.example.net", "www.example-defence-review.org"],
    Source.DIRECT: [""],
}
SHARES = {
    Source.SEARCH: 0.35,
    Source.SOCIAL: 0.2,
    Source.NEWSLETTER: 0.1,
    Source.SITE: 0.1,
    Source.DIRECT: 0.25,
}


def load_audience():
    if ArticleHour.objects.exists():
        return {"audience hours": 0}
    rng = random.Random(26)
    now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours, sources = [], []
    articles = Article.objects.published().only("pk", "published_at")
    for rank, article in enumerate(articles.order_by("-published_at")[:40]):
        appeal = rng.uniform(0.4, 1.6) / (1 + rank / 8)
        start = max(article.published_at.astimezone(UTC), now - timedelta(days=DAYS))
        hour = start.replace(minute=0, second=0, microsecond=0)
        while hour <= now:
            age = (hour - start).total_seconds() / 86400
            rhythm = 0.3 + 0.7 * abs(12 - (hour.hour + 12) % 24) / 12
            views = int(rng.gauss(60, 12) * appeal * rhythm / (1 + age))
            if views > 0:
                hours.append(_hour(rng, article, hour, views))
                sources.extend(_sources(rng, article, hour, views))
            hour += timedelta(hours=1)
    ArticleHour.objects.bulk_create(hours, batch_size=2000)
    SourceHour.objects.bulk_create(sources, batch_size=2000)
    SiteSourceHour.objects.bulk_create(_site(sources), batch_size=2000)
    rollup.rebuild((now - timedelta(days=DAYS)).date(), now.date())  # the 7 and 30 days
    most_read.refresh()
    return {"audience hours": len(hours)}


def _hour(rng, article, hour, views):
    engaged = int(views * rng.uniform(0.3, 0.6))
    half = int(engaged * rng.uniform(0.7, 0.95))
    return ArticleHour(
        article=article,
        hour=hour,
        views=views,
        visitors=int(views * rng.uniform(0.75, 0.9)),
        engaged=engaged,
        read_half=half,
        read_most=int(half * rng.uniform(0.4, 0.7)),
        timed=engaged,
        engaged_seconds=engaged * rng.randint(35, 140),
    )


def _sources(rng, article, hour, views):
    counts = {}
    for source, share in SHARES.items():
        n = int(views * share * rng.uniform(0.7, 1.3))
        host = rng.choice(HOSTS[source])
        if n:
            counts[(source, host)] = counts.get((source, host), 0) + n
    return [
        SourceHour(article=article, hour=hour, source=source, host=host, views=n)
        for (source, host), n in counts.items()
    ]


def _site(sources):
    """The referrers summed over the site per hour, as ingest keeps them."""
    sums = {}
    for row in sources:
        key = (row.hour, row.source, row.host)
        sums[key] = sums.get(key, 0) + row.views
    return [
        SiteSourceHour(hour=hour, source=source, host=host, views=n)
        for (hour, source, host), n in sums.items()
    ]
