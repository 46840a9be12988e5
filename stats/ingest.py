"""From the Redis buffer to PostgreSQL, in batches (run by the task worker, stats/tasks.py).

Each batch, in one transaction (synchronous_commit off: core.db.fast_commit): the day
partitions it needs are created, its hits are written with one COPY to a temporary table
of the connection, and from there SQL moves them into the raw table and adds their sums
(GROUP BY) to the hourly rollups (stats.models.ArticleHour, SourceHour, and SiteSourceHour:
the referrers over the whole site), one INSERT ... SELECT ... ON CONFLICT each: no per-row
parameters for the client to build or parse.
Rollup counts only add up, so a batch costs the same whatever the table holds. After the
commit the batch's days are marked for the daily rollup (stats/rollup.py). A reader counts
once per article and day in `visitors`: the first view of the day's visitor hash (a Redis
set that expires with the day's salt). A batch that fails is put back at the head of the buffer.

Hits for paths that are not published articles (the front page, sections) are kept raw
(they count in "Now") but have no rollup. Raw days older than STATS_RETENTION_DAYS are
dropped a whole partition at a time.
"""

import json
import logging
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from redis.exceptions import RedisError

from articles.models import Article
from core.db import fast_commit, table

from . import buffer
from .models import HIT_TABLE, ArticleHour, Kind, SiteSourceHour, SourceHour

logger = logging.getLogger(__name__)

BATCH = 20_000
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
    views = [i for i, h in enumerate(hits) if h[2] and h[3] == Kind.VIEW and h[5] is not None]
    firsts = buffer.first_seen_many([(hits[i][0], hits[i][2], hits[i][5]) for i in views])
    first = dict(zip(views, firsts, strict=True))
    with fast_commit():  # a batch lost with the database server is a second of counts
        for day in {hit[0].date() for hit in hits}:
            ensure_partition(day)
        with connection.cursor() as cursor:
            cursor.execute(_STAGE)
            cursor.execute(f"TRUNCATE {STAGE}")  # inside an outer transaction too
            with cursor.copy(_copy_sql()) as copy:
                for i, hit in enumerate(hits):
                    copy.write_row((*hit, first.get(i, False)))
            cursor.execute(_to_raw())
            cursor.execute(_to_hours())
            cursor.execute(_to_sources())
            cursor.execute(_to_site_sources())
    days = {hit[0].date() for hit in hits if hit[2]}
    try:
        buffer.mark_days(days)  # after the commit: the daily rollup will see this batch
    except RedisError:  # the batch is written: never give it back to be written twice
        logger.exception("Audience: days %s not marked for the daily rollup", sorted(days))
    return len(hits)


def _row(data):
    at, path, kind, seconds, visitor, source, referrer, *utm = data
    return (datetime.fromtimestamp(at, UTC), path, kind, seconds, visitor, source, referrer, *utm)


# The batch, staged in this connection's own temporary table (emptied at each commit), then
# moved by SQL: into the day partitions, and summed into the hourly rollups. Made "if not
# exists" in every batch's transaction, so behind PgBouncer any server connection has it.
STAGE = "stats_batch"
_STAGE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} "
    f"(LIKE {HIT_TABLE} INCLUDING DEFAULTS, first_view boolean NOT NULL) ON COMMIT DELETE ROWS"
)


def _copy_sql():
    return f"COPY {STAGE} ({', '.join(COLUMNS)}, first_view) FROM STDIN"  # noqa: S608 - constants


def _to_raw():
    columns = ", ".join(COLUMNS)
    return f"INSERT INTO {HIT_TABLE} ({columns}) SELECT {columns} FROM {STAGE}"  # noqa: S608


def _hour():
    return "date_trunc('hour', at, 'UTC')"


def _to_hours():
    """The batch's counts per article and hour, added to ArticleHour: one statement."""
    t = table(ArticleHour)
    kinds = {
        "views": Kind.VIEW,
        "engaged": Kind.ENGAGED,
        "read_half": Kind.READ_HALF,
        "read_most": Kind.READ_MOST,
        "timed": Kind.LEAVE,
    }
    counts = [f"count(*) FILTER (WHERE kind = {int(kind)})" for kind in kinds.values()]
    fields = (*kinds, "visitors", "engaged_seconds")
    sums = (*counts, "count(*) FILTER (WHERE first_view)")
    seconds = f"coalesce(sum(seconds) FILTER (WHERE kind = {int(Kind.LEAVE)}), 0)"
    updates = ", ".join(f"{f} = {t}.{f} + EXCLUDED.{f}" for f in fields)
    return (
        f"INSERT INTO {t} (hour, article_id, {', '.join(fields)}) "  # noqa: S608 - names
        f"SELECT {_hour()}, article_id, {', '.join(sums)}, {seconds} FROM {STAGE} "
        f"WHERE article_id IS NOT NULL GROUP BY 1, 2 "
        f"ON CONFLICT (article_id, hour) DO UPDATE SET {updates}"
    )


def _to_sources():
    """The batch's page views per article, hour and referrer, added to SourceHour."""
    t = table(SourceHour)
    return (
        f"INSERT INTO {t} (hour, article_id, source, host, views) "  # noqa: S608 - names
        f"SELECT {_hour()}, article_id, source, referrer, count(*) FROM {STAGE} "
        f"WHERE article_id IS NOT NULL AND kind = {int(Kind.VIEW)} GROUP BY 1, 2, 3, 4 "
        f"ON CONFLICT (article_id, hour, source, host) "
        f"DO UPDATE SET views = {t}.views + EXCLUDED.views"
    )


def _to_site_sources():
    """The same views summed over the site per hour and referrer (the overview's referrers),
    added to SiteSourceHour."""
    t = table(SiteSourceHour)
    return (
        f"INSERT INTO {t} (hour, source, host, views) "  # noqa: S608 - names
        f"SELECT {_hour()}, source, referrer, count(*) FROM {STAGE} "
        f"WHERE article_id IS NOT NULL AND kind = {int(Kind.VIEW)} GROUP BY 1, 2, 3 "
        f"ON CONFLICT (hour, source, host) DO UPDATE SET views = {t}.views + EXCLUDED.views"
    )


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
