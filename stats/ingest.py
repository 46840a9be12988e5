"""From the Redis buffer to PostgreSQL, in batches (run by the task worker, stats/tasks.py).

Each batch, in one transaction: the day partitions it needs are created, its hits are
written to the raw table with COPY, and the hourly rollups (stats.models.ArticleHour,
SourceHour, and SiteSourceHour: the referrers over the whole site) are added to with one
multi-row upsert each. Rollup counts only add up, so a
batch costs the same whatever the table holds. After the commit the batch's days are
marked for the daily rollup (stats/rollup.py). A reader counts once per article and day
in `visitors`: the first view of the day's visitor hash (a Redis set that expires with
the day's salt). A batch that fails is put back at the head of the buffer.

Hits for paths that are not published articles (the front page, sections) are kept raw
(they count in "Now") but have no rollup. Raw days older than STATS_RETENTION_DAYS are
dropped a whole partition at a time.
"""

import json
import logging
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from redis.exceptions import RedisError

from articles.models import Article

from . import buffer
from .models import HIT_TABLE, ArticleHour, Kind, SiteSourceHour, SourceHour

logger = logging.getLogger(__name__)

BATCH = 5000
COLUMNS = (
    "at",
    "path",
    "article_id",
    "kind",
    "seconds",
    "visitor",
    "source",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
)
_partitions = set()  # days whose partition this process has made or seen


def flush(max_batches=100):
    """Write up to `max_batches` batches from the buffer; the number of hits written."""
    written = 0
    for _ in range(max_batches):
        lines = buffer.take(BATCH)
        if not lines:
            break
        try:
            written += write_batch(lines)
        except Exception:
            buffer.give_back(lines)
            raise
    return written


def write_batch(lines):
    hits = [_row(json.loads(line)) for line in lines]
    articles = article_ids({hit[1] for hit in hits})
    hits = [(hit[0], hit[1], articles.get(hit[1]), *hit[2:]) for hit in hits]
    with transaction.atomic():
        for day in {hit[0].date() for hit in hits}:
            ensure_partition(day)
        with connection.cursor() as cursor, cursor.copy(_copy_sql()) as copy:
            for hit in hits:
                copy.write_row(hit)
        add_to_rollups(hits)
    days = {hit[0].date() for hit in hits if hit[2]}
    try:
        buffer.mark_days(days)  # after the commit: the daily rollup will see this batch
    except RedisError:  # the batch is written: never give it back to be written twice
        logger.exception("Audience: days %s not marked for the daily rollup", sorted(days))
    return len(hits)


def _row(data):
    at, path, kind, seconds, visitor, source, referrer, *utm = data
    return (datetime.fromtimestamp(at, UTC), path, kind, seconds, visitor, source, referrer, *utm)


def _copy_sql():
    return f"COPY {HIT_TABLE} ({', '.join(COLUMNS)}) FROM STDIN"  # noqa: S608 - constants


def article_ids(paths):
    """{path: article id} for the paths that are published articles' addresses: one query."""
    wanted = {}
    for path in paths:
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name == "articles:detail":
            k = match.kwargs
            try:
                day = date(int(k["year"]), int(k["month"]), int(k["day"]))
            except ValueError:
                continue
            wanted[(k["slug"], day)] = path
    if not wanted:
        return {}
    found = {}
    slugs = {slug for slug, _ in wanted}
    rows = (
        Article.objects.published().filter(slug__in=slugs).values_list("pk", "slug", "published_at")
    )
    for pk, slug, published_at in rows:
        path = wanted.get((slug, timezone.localtime(published_at).date()))
        if path:
            found[path] = pk
    return found


def ensure_partition(day):
    if day in _partitions:
        return
    following = day + timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF {HIT_TABLE} "  # noqa: S608
            f"FOR VALUES FROM ('{day.isoformat()}') TO ('{following.isoformat()}')"
        )
    transaction.on_commit(lambda: _partitions.add(day))


def partition_name(day):
    return f"{HIT_TABLE}_p{day:%Y%m%d}"


def partitions():
    """{day: table name} of the raw table's partitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [HIT_TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = f"{HIT_TABLE}_p"
    return {datetime.strptime(n.removeprefix(prefix), "%Y%m%d").date(): n for n in names}


def drop_expired(today=None):
    """Drop the raw days older than STATS_RETENTION_DAYS: the names of dropped tables."""
    today = today or timezone.now().astimezone(UTC).date()
    oldest = today - timedelta(days=settings.STATS_RETENTION_DAYS)
    dropped = []
    for day, name in sorted(partitions().items()):
        if day < oldest:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {name}")  # noqa: S608 - a partition's own name
            _partitions.discard(day)
            dropped.append(name)
    if dropped:
        logger.info("Audience: dropped raw hits of %s", ", ".join(dropped))
    return dropped


def add_to_rollups(hits):
    """Add a batch's counts to the hourly rollups (article hits only)."""
    counts = defaultdict(Counter)
    sources = Counter()
    views = [(h[0], h[2], h[5]) for h in hits if h[2] and h[3] == Kind.VIEW and h[5] is not None]
    firsts = buffer.first_seen_many(views)
    for hit in hits:
        at, _, article, kind, seconds, _, source, referrer = hit[:8]
        if not article:
            continue
        key = (at.replace(minute=0, second=0, microsecond=0), article)
        counts[key][kind] += 1
        if kind == Kind.LEAVE:
            counts[key]["seconds"] += seconds
        elif kind == Kind.VIEW:
            sources[(*key, source, referrer)] += 1
    for at, article, _ in (v for v, first in zip(views, firsts, strict=True) if first):
        counts[(at.replace(minute=0, second=0, microsecond=0), article)]["visitors"] += 1
    _upsert_hours(counts)
    _upsert_sources(sources)


def _upsert_hours(counts):
    if not counts:
        return
    table = ArticleHour._meta.db_table
    fields = ("views", "visitors", "engaged", "read_half", "read_most", "timed", "engaged_seconds")
    keys = (
        Kind.VIEW,
        "visitors",
        Kind.ENGAGED,
        Kind.READ_HALF,
        Kind.READ_MOST,
        Kind.LEAVE,
        "seconds",
    )
    rows = [(hour, article, *(c[k] for k in keys)) for (hour, article), c in counts.items()]
    _upsert(table, ("hour", "article_id", *fields), ("article_id", "hour"), fields, rows)


def _upsert_sources(sources):
    if not sources:
        return
    table = SourceHour._meta.db_table
    rows = [
        (hour, article, source, host, n) for (hour, article, source, host), n in sources.items()
    ]
    columns = ("hour", "article_id", "source", "host", "views")
    _upsert(table, columns, ("article_id", "hour", "source", "host"), ("views",), rows)
    site = Counter()  # the same views summed over the site: the overview's referrers
    for (hour, _, source, host), n in sources.items():
        site[(hour, source, host)] += n
    rows = [(*key, n) for key, n in site.items()]
    columns = ("hour", "source", "host", "views")
    _upsert(SiteSourceHour._meta.db_table, columns, columns[:3], ("views",), rows)


def _upsert(table, columns, conflict, added, rows):
    """One multi-row INSERT ... ON CONFLICT that adds `added` columns to existing rows."""
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in added)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))} "  # noqa: S608
        f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
