"""The Audience overview's numbers (today, 7 or 30 days) in one statement.

The period's rollup rows (hourly for today, daily past that: stats.reports) are read once,
into a CTE; the totals, the chart's points and the top articles, sections and authors are
all sums of those rows, so one statement returns them all, each row numbered with its
part and rank. Reading the same rows once per table of the screen (five queries) cost
about twice as much at 10 million hits a month. stats.reports keeps the one-question
functions (totals, top_articles, series...) that the tests compare this with."""

from datetime import UTC

from django.db import connection

from articles.models import Article
from core.db import table

from . import reports
from .models import ArticleDay, ArticleHour

TOTALS, POINTS, ARTICLES, SECTIONS, AUTHORS = range(5)
GROUPS = 10


def numbers(chosen, top=reports.TOP, groups=GROUPS):
    """{"totals", "series", "articles", "sections", "authors"} for a reports.Period, as
    reports.totals, series, top_articles, top_sections and top_authors give them."""
    since = chosen.start.astimezone(UTC).date() if chosen.daily else chosen.start
    with connection.cursor() as cursor:
        cursor.execute(_sql(chosen.daily), {"since": since, "top": top, "groups": groups})
        rows = cursor.fetchall()
    parts = {part: [] for part in range(5)}
    for part, _, article_id, name, at, *counts in rows:
        parts[part].append((article_id, name, at, dict(zip(reports.SUMS, counts, strict=True))))
    found = {at: (c["views"], c["engaged"]) for _, _, at, c in parts[POINTS]}
    titles = Article.objects.only("pk", "title").in_bulk([a for a, *_ in parts[ARTICLES]])
    return {
        "totals": reports.figures(parts[TOTALS][0][3]),
        "series": reports.fill(found, chosen.start, chosen.by_hour),
        "articles": [
            reports.figures(c) | {"article_id": a, "article": titles.get(a)}
            for a, _, _, c in parts[ARTICLES]
        ],
        "sections": [reports.figures(c) | {"name": n} for _, n, _, c in parts[SECTIONS]],
        "authors": [reports.figures(c) | {"name": n} for _, n, _, c in parts[AUTHORS]],
    }


def _sql(daily):
    rollup, column = (ArticleDay, "day") if daily else (ArticleHour, "hour")
    byline = Article._meta.get_field("bylines").related_model
    author = byline._meta.get_field("author").related_model
    section = Article._meta.get_field("section").related_model
    names = reports.SUMS
    picked = ", ".join(names)
    sums = ", ".join(f"sum({n})::bigint" for n in names)
    named = ", ".join(f"sum({n})::bigint AS {n}" for n in names)
    point = ", ".join(f"sum({n})::bigint" if n in ("views", "engaged") else "0" for n in names)
    by_group = ", ".join(f"sum(per.{n})::bigint" for n in names)
    ranked = "row_number() OVER (ORDER BY sum(per.views) DESC, g.name)"
    return (
        f"WITH period AS MATERIALIZED (SELECT article_id, {column} AS at, {picked} "  # noqa: S608 - names from the models
        f"FROM {table(rollup)} WHERE {column} >= %(since)s), "
        f"per AS MATERIALIZED (SELECT article_id, {named} "
        "FROM period GROUP BY article_id) "
        f"SELECT {TOTALS}, 0, NULL::bigint, NULL::text, NULL::timestamptz, {sums} FROM per "
        f"UNION ALL SELECT {POINTS}, 0, NULL, NULL, date_trunc('hour', at::timestamptz), {point} "
        "FROM period GROUP BY 5 "
        f"UNION ALL (SELECT {ARTICLES}, row_number() OVER (ORDER BY views DESC, article_id), "
        f"article_id, NULL, NULL, {picked} FROM per ORDER BY views DESC, article_id "
        "LIMIT %(top)s) "
        f"UNION ALL (SELECT {SECTIONS}, {ranked}, NULL, g.name, NULL, {by_group} FROM per "
        f"JOIN {table(Article)} AS a ON a.id = per.article_id "
        f"LEFT JOIN {table(section)} AS g ON g.id = a.section_id GROUP BY g.name "
        "ORDER BY 2 LIMIT %(groups)s) "
        f"UNION ALL (SELECT {AUTHORS}, {ranked}, NULL, g.name, NULL, {by_group} FROM per "
        f"JOIN {table(byline)} AS b ON b.article_id = per.article_id "
        f"JOIN {table(author)} AS g ON g.id = b.author_id GROUP BY g.name "
        "ORDER BY 2 LIMIT %(groups)s) "
        "ORDER BY 1, 2, 5"
    )
