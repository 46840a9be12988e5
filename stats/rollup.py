"""The daily rollup: per article and day (UTC), the sums of the hourly rows.

The 7- and 30-day screens and an article's chart past its first two days read
ArticleDay, SourceDay and SiteSourceDay instead of summing up to 720 hourly rows per
article; "Today" and "Now" stay on the hourly rows and the raw hits.

A day's daily rows are rewritten from that day's hourly rows (never added to), so
rolling a day up again gives the same counts, and hits that arrive late for a past day
fold in the next time that day is rolled up. Which days need it: each ingested batch marks
its days in Redis after its commit (buffer.mark_days); the worker's `roll_up` takes the
marked days and rewrites them, one statement per table and day. A day taken but not
written (the database failed) is marked again.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction

from core.db import table

from . import buffer
from .models import ArticleDay, ArticleHour, SiteSourceDay, SiteSourceHour, SourceDay, SourceHour

COUNTS = ("views", "visitors", "engaged", "read_half", "read_most", "timed", "engaged_seconds")


def roll_up():
    """Rewrite the daily rows of the days marked since the last run: the days done."""
    days = buffer.take_days()
    try:
        for day in days:
            roll_up_day(day)
    except Exception:
        buffer.mark_days(days)
        raise
    return days


def roll_up_day(day: date):
    """Rewrite one day's daily rows from its hourly rows (idempotent)."""
    start = datetime.combine(day, time(), UTC)
    bounds = [day, start, start + timedelta(days=1)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_sql(ArticleDay, ArticleHour, ("article_id",), COUNTS), bounds)
        cursor.execute(
            _sql(SourceDay, SourceHour, ("article_id", "source", "host"), ("views",)), bounds
        )
        cursor.execute(_sql(SiteSourceDay, SiteSourceHour, ("source", "host"), ("views",)), bounds)


def rebuild(first: date, last: date):
    """Roll up every day from `first` to `last` (a backfill, or after Redis lost the marks)."""
    day = first
    while day <= last:
        roll_up_day(day)
        day += timedelta(days=1)


def _sql(daily, hourly, keys, counts):
    """INSERT the day's sums of `hourly` into `daily`, replacing the counts of rows that
    are there already: rows only ever grow, so nothing needs deleting."""
    sums = ", ".join(f"sum({c})" for c in counts)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in counts)
    columns = ", ".join(("day", *keys, *counts))
    return (
        f"INSERT INTO {table(daily)} ({columns}) "  # noqa: S608 - names from the models
        f"SELECT %s, {', '.join(keys)}, {sums} FROM {table(hourly)} "
        f"WHERE hour >= %s AND hour < %s GROUP BY {', '.join(keys)} "
        f"ON CONFLICT ({', '.join(('day', *keys))}) DO UPDATE SET {updates}"
    )
