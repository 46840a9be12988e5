"""The publisher's numbers (the admin's revenue view): each a bounded aggregate over the
last twelve months, grouped in the database, per currency."""

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Donation, Frequency, Gift

MONTHS = 12


def since():
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    return timezone.make_aware(timezone.datetime(start.year, start.month, 1))


def monthly_recurring():
    """Monthly recurring revenue per currency: live monthly gifts, and a twelfth of live
    annual ones, in minor units."""
    rows = (
        Gift.objects.live()
        .values("currency", "frequency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by()
    )
    mrr, supporters = {}, 0
    for row in rows:
        share = row["total"] if row["frequency"] == Frequency.MONTH else row["total"] / 12
        mrr[row["currency"]] = mrr.get(row["currency"], 0) + share
        supporters += row["count"]
    return {currency: round(total) for currency, total in sorted(mrr.items())}, supporters


def by_month():
    """Per month: new and cancelled regular gifts, one-time money, failed payments,
    refunds and disputes."""
    start = since()
    months = {}

    def row(month):
        return months.setdefault(
            month.date(),
            {"new": 0, "cancelled": 0, "one_time": {}, "failed": 0, "refunded": {}, "disputed": 0},
        )

    started = (
        Gift.objects.filter(created__gte=start)
        .exclude(status=Gift.Status.INCOMPLETE)
        .annotate(month=TruncMonth("created"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in started:
        row(r["month"])["new"] = r["n"]
    ended = (
        Gift.objects.filter(cancelled_at__gte=start)
        .annotate(month=TruncMonth("cancelled_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in ended:
        row(r["month"])["cancelled"] = r["n"]
    money = (
        Donation.objects.filter(created__gte=start)
        .annotate(month=TruncMonth("created"))
        .values("month", "currency")
        .annotate(
            one_time=Sum(
                "amount",
                filter=Q(frequency=Frequency.ONCE, status__in=("succeeded", "refunded")),
                default=0,
            ),
            refunded=Sum("refunded_amount", default=0),
            failed=Count("id", filter=Q(status="failed")),
            disputed=Count("id", filter=Q(status="disputed")),
        )
        .order_by()
    )
    for r in money:
        month = row(r["month"])
        if r["one_time"]:
            month["one_time"][r["currency"]] = r["one_time"]
        if r["refunded"]:
            month["refunded"][r["currency"]] = r["refunded"]
        month["failed"] += r["failed"]
        month["disputed"] += r["disputed"]
    if months:  # every month of the window, quiet ones too, so the table reads as a year
        first, last = start.date(), timezone.localdate().replace(day=1)
        while first <= last:
            row(timezone.datetime(first.year, first.month, 1))
            first = (first + timedelta(days=32)).replace(day=1)
    return [(month, months[month]) for month in sorted(months, reverse=True)]


def top_stories(limit=10):
    """The stories readers came from, by money received (per currency) and count."""
    return list(
        Donation.objects.paid()
        .filter(source_article__isnull=False, created__gte=since())
        .values("source_article_id", "source_article__title", "currency")
        .annotate(total=Sum("amount"), gifts=Count("id"))
        .order_by("-total")[:limit]
    )
