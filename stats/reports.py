"""The numbers on the Audience screens: "Today" from the hourly rollups, 7 and 30 days
from the daily ones (stats/rollup.py), "Now" from the last half hour of raw hits. Each
function is one or two queries over an index range of `hour` or `day`; none reads per-hit
rows except `now()`, which reads 30 minutes of them.

`daily=True` reads ArticleDay/SourceDay from the day of `start` (UTC) on; otherwise
ArticleHour/SourceHour from `start` on."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from articles.models import Article
from core.db import table

from .models import (
    HIT_TABLE,
    ArticleDay,
    ArticleHour,
    Kind,
    SiteSourceDay,
    SiteSourceHour,
    Source,
    SourceDay,
    SourceHour,
)

PERIODS = {"today": "Today", "7d": "7 days", "30d": "30 days"}
SUMS = ("views", "visitors", "engaged", "read_half", "read_most", "timed", "engaged_seconds")
TOP = 20
ARTICLE_DAYS = 90


@dataclass
class Period:
    key: str
    label: str
    start: datetime
    by_hour: bool

    @property
    def daily(self):
        """Read the daily rollup: every period longer than today."""
        return not self.by_hour


def period(key, now=None):
    now = now or timezone.now()
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if key == "7d":
        return Period(key, PERIODS[key], midnight - timedelta(days=6), False)
    if key == "30d":
        return Period(key, PERIODS[key], midnight - timedelta(days=29), False)
    return Period("today", PERIODS["today"], midnight, True)


def _sums():
    return {name: Sum(name) for name in SUMS}


def _since(hourly, daily_model, start, daily):
    """The rollup rows from `start` on: daily ones from its day (UTC), or hourly ones."""
    if daily:
        return daily_model.objects.filter(day__gte=start.astimezone(UTC).date())
    return hourly.objects.filter(hour__gte=start)


def _counts(start, daily):
    return _since(ArticleHour, ArticleDay, start, daily)


def figures(row):
    """Derived figures for a row of sums: engaged share, average time, read depth."""
    row = row | {name: row.get(name) or 0 for name in SUMS}
    views = row["views"]
    row["engaged_pc"] = round(100 * row["engaged"] / views) if views else 0
    row["average_seconds"] = round(row["engaged_seconds"] / row["timed"]) if row["timed"] else 0
    row["depth"] = [
        ("Under half", max(views - row["read_half"], 0)),
        ("Half to 90%", max(row["read_half"] - row["read_most"], 0)),
        ("90% or more", row["read_most"]),
    ]
    row["depth"] = [(label, n, round(100 * n / views) if views else 0) for label, n in row["depth"]]
    return row


def totals(start, daily=False):
    return figures(_counts(start, daily).aggregate(**_sums()))


def top_articles(start, limit=TOP, daily=False):
    rows = list(
        _counts(start, daily)
        .values("article_id")
        .annotate(**_sums())
        .order_by("-views", "article_id")[:limit]
    )
    titles = Article.objects.filter(pk__in=[r["article_id"] for r in rows]).in_bulk()
    return [figures(r) | {"article": titles.get(r["article_id"])} for r in rows]


def top_sections(start, limit=10, daily=False):
    section = Article._meta.get_field("section").related_model
    joins = (
        f"JOIN {table(Article)} AS a ON a.id = per.article_id "
        f"LEFT JOIN {table(section)} AS g ON g.id = a.section_id"
    )
    return _grouped(start, daily, joins, limit)


def top_authors(start, limit=10, daily=False):
    byline = Article._meta.get_field("bylines").related_model
    author = byline._meta.get_field("author").related_model
    joins = (
        f"JOIN {table(byline)} AS b ON b.article_id = per.article_id "
        f"JOIN {table(author)} AS g ON g.id = b.author_id"
    )
    return _grouped(start, daily, joins, limit)


def _grouped(start, daily, joins, limit):
    """The period's sums per `g.name` (a section's, an author's), top `limit` by views: the
    rollup rows are summed per article first, so only the articles read in the period are
    joined (one index lookup each), never every row of the period."""
    rollup, column = (ArticleDay, "day") if daily else (ArticleHour, "hour")
    since = start.astimezone(UTC).date() if daily else start
    per_article = ", ".join(f"sum({name})::bigint AS {name}" for name in SUMS)
    totals = ", ".join(f"sum(per.{name})::bigint AS {name}" for name in SUMS)
    sql = (
        f"WITH per AS (SELECT article_id, {per_article} FROM {table(rollup)} "  # noqa: S608
        f"WHERE {column} >= %s GROUP BY article_id) "
        f"SELECT g.name, {totals} FROM per {joins} GROUP BY g.name "
        "ORDER BY views DESC, g.name LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, limit])
        names = [col.name for col in cursor.description]
        return [figures(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def sources(start, article=None, daily=False):
    """[(label, views, share)] per referrer class, and the top referring hosts: one query
    (views per class and host; a month has a few thousand hosts at most). The whole site's
    from its own rollup (a row per referrer and hour or day), an article's from its rows."""
    if article is None:
        rows = _since(SiteSourceHour, SiteSourceDay, start, daily)
    else:
        rows = _since(SourceHour, SourceDay, start, daily).filter(article=article)
    classes, by_host = Counter(), Counter()
    for source, host, n in rows.values_list("source", "host").annotate(n=Sum("views")).order_by():
        classes[source] += n
        if host:
            by_host[host] += n
    total = sum(classes.values())
    by_class = [
        (
            s.label,
            classes.get(s.value, 0),
            round(100 * classes.get(s.value, 0) / total) if total else 0,
        )
        for s in Source
    ]
    hosts = sorted(by_host.items(), key=lambda item: (-item[1], item[0]))[:15]
    return by_class, hosts


def series(start, by_hour, article=None, daily=False):
    """[(moment, views, engaged)] per hour or per day since `start`, gaps filled. Per day
    from the hourly rows unless `daily`."""
    rows = _counts(start, daily)
    if article is not None:
        rows = rows.filter(article=article)
    if daily:
        rows = rows.values("day")
    else:
        trunc = TruncHour("hour", tzinfo=UTC) if by_hour else TruncDay("hour", tzinfo=UTC)
        rows = rows.annotate(at=trunc).values("at")
    found = {
        _moment(r): (r["views"], r["engaged"])
        for r in rows.annotate(views=Sum("views"), engaged=Sum("engaged")).order_by()
    }
    return fill(found, start, by_hour)


def fill(found, start, by_hour):
    """[(moment, views, engaged)] per hour or day from `start` to now, from {moment: (views,
    engaged)}; the moments with none at (0, 0)."""
    step = timedelta(hours=1) if by_hour else timedelta(days=1)
    moment = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if not by_hour:
        moment = moment.replace(hour=0)
    end = timezone.now()
    out = []
    while moment <= end:
        views, engaged = found.get(moment, (0, 0))
        out.append((moment, views, engaged))
        moment += step
    return out


def _moment(row):
    if "day" in row:
        return datetime.combine(row["day"], time(), UTC)
    return row["at"]


def chart(points, width=720, height=160):
    """Bars for an SVG chart (views, with engaged reads inside): x, widths and heights."""
    if not points:
        return {"bars": [], "width": width, "height": height}
    top = max(views for _, views, _ in points) or 1
    slot = width / len(points)
    bar = max(slot * 0.8, 1)
    bars = []
    for i, (moment, views, engaged) in enumerate(points):
        h, e = height * views / top, height * engaged / top
        bars.append(
            {
                "x": round(i * slot, 1),
                "w": round(bar, 1),
                "y": round(height - h, 1),
                "h": round(h, 1),
                "ey": round(height - e, 1),
                "eh": round(e, 1),
                "moment": moment,
                "views": views,
                "engaged": engaged,
            }
        )
    return {"bars": bars, "width": width, "height": height}


def now(minutes=30, limit=TOP, at=None):
    """Readers in the `minutes` before `at` (default: now), per page, most views first:
    [(path, article id or None, title or None, views, readers)]. One pass over those page
    views, grouped by page and reader first (a hash each, not a sort of every row)."""
    since = (at or timezone.now()) - timedelta(minutes=minutes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT path, max(article_id), sum(n)::int, count(visitor)::int FROM ("  # noqa: S608
            f"SELECT path, visitor, max(article_id) AS article_id, count(*) AS n FROM {HIT_TABLE} "
            "WHERE at >= %s AND at <= %s AND kind = %s GROUP BY path, visitor"
            ") AS per_reader GROUP BY path ORDER BY 3 DESC, 1 LIMIT %s",
            [since, since + timedelta(minutes=minutes), Kind.VIEW, limit],
        )
        rows = cursor.fetchall()
    ids = [row[1] for row in rows if row[1]]
    titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [
        (path, article if article in titles else None, titles.get(article), views, readers)
        for path, article, views, readers in rows
    ]


def article_report(article):
    """Since publication (at most the last ARTICLE_DAYS days): per hour in its first two
    days (from the hourly rows), then per day (from the daily rows); its sources and
    totals, from the same rows as its chart."""
    earliest = timezone.now() - timedelta(days=ARTICLE_DAYS)
    start = max(article.published_at or earliest, earliest)
    by_hour = timezone.now() - start < timedelta(days=2)
    start = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    daily = not by_hour
    sums = _counts(start, daily).filter(article=article).aggregate(**_sums())
    return {
        "totals": figures(sums),
        "series": series(start, by_hour, article, daily=daily),
        "by_hour": by_hour,
        "sources": sources(start, article, daily=daily),
    }
