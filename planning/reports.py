"""The desk's numbers: published against planned per week, and how long stories take from
assignment to publication, per section. One query each."""

from datetime import timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek

from .models import BudgetLine

Status = BudgetLine.Status


def weekly(start, end):
    """[(monday, planned, published)] for the weeks in [start, end): planned counts lines
    whose target publication falls in the week (spiked ones included: they were planned),
    published counts those of them that ran."""
    rows = (
        BudgetLine.objects.filter(publish_at__gte=start, publish_at__lt=end)
        .annotate(week=TruncWeek("publish_at"))
        .values("week")
        .annotate(
            planned=Count("pk"),
            published=Count("pk", filter=Q(status=Status.PUBLISHED)),
        )
        .order_by("week")
    )
    return [(row["week"].date(), row["planned"], row["published"]) for row in rows]


def time_to_publication():
    """[(section name, stories, average timedelta)] from assignment to publication."""
    took = ExpressionWrapper(F("published_at") - F("assigned_at"), output_field=DurationField())
    rows = (
        BudgetLine.objects.filter(
            status=Status.PUBLISHED, published_at__isnull=False, assigned_at__isnull=False
        )
        .values("section__name")
        .annotate(stories=Count("pk"), average=Avg(took))
        .order_by("section__name")
    )
    return [(row["section__name"] or "No section", row["stories"], row["average"]) for row in rows]


def describe(duration):
    if duration is None:
        return "—"
    if duration < timedelta(hours=48):
        return f"{duration.total_seconds() / 3600:.1f} hours"
    return f"{duration.total_seconds() / 86400:.1f} days"
