"""Freelance commissions: a budget line assigned to a freelancer (an author without a staff
account) can carry a fee; publication makes it payable. Monthly statements per freelancer
and a summary for the publisher."""

from collections import defaultdict
from datetime import date, datetime, time

from django.utils import timezone

from .models import Assignment


def month_bounds(month):
    """`month` is a date in the month: its first moment and the next month's."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return datetime.combine(first, time.min, tzinfo=zone), datetime.combine(
        following, time.min, tzinfo=zone
    )


def payable(month):
    """Assignments of freelancers on lines with a fee that were published in `month`, with
    their line and article; freelancer name order, then publication time."""
    start, end = month_bounds(month)
    return list(
        Assignment.objects.filter(
            author__user__isnull=True,
            line__fee__isnull=False,
            line__published_at__gte=start,
            line__published_at__lt=end,
        )
        .select_related("author", "line__article", "line__section")
        .order_by("author__name", "line__published_at", "line__pk")
    )


def summary(month):
    """[(author, {currency: total}, stories)] for the month."""
    totals = defaultdict(lambda: defaultdict(int))
    counts = defaultdict(int)
    authors = {}
    for item in payable(month):
        authors[item.author_id] = item.author
        totals[item.author_id][item.line.currency] += item.line.fee
        counts[item.author_id] += 1
    return [(authors[pk], dict(totals[pk]), counts[pk]) for pk in authors]


def statement_rows(month, author_id):
    for item in payable(month):
        if item.author_id != author_id:
            continue
        line = item.line
        yield [
            timezone.localtime(line.published_at).date().isoformat(),
            line.slug,
            line.article.title if line.article_id else "",
            line.section.name if line.section_id else "",
            f"{line.fee:.2f}",
            line.currency,
        ]


STATEMENT_COLUMNS = ["published", "story slug", "headline", "section", "fee", "currency"]
