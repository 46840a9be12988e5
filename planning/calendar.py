"""What the planning calendar shows, for the admin's week and month views and for the
private iCalendar feeds: budget lines (when copy is due, when the story should run),
scheduled articles, and diary events."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .models import BudgetLine, CalendarFeed, Event

FEED_SALT = "planning.calendar-feed"


@dataclass(frozen=True)
class Entry:
    kind: str  # "due", "runs", "scheduled", "event"
    title: str
    starts: datetime
    url: str
    uid: str
    ends: datetime | None = None
    detail: str = ""


def _line_entries(lines, start, end):
    for line in lines:
        url = reverse("admin:planning_budgetline_change", args=[line.pk])
        if line.deadline and start <= line.deadline < end:
            yield Entry(
                "due",
                f"Due: {line.slug}",
                line.deadline,
                url,
                f"line-{line.pk}-due",
                detail=line.pitch,
            )
        if line.publish_at and start <= line.publish_at < end:
            yield Entry(
                "runs",
                f"Runs: {line.slug}",
                line.publish_at,
                url,
                f"line-{line.pk}-runs",
                detail=line.pitch,
            )


def entries(start, end, user=None, now=None):
    """Everything between `start` and `end`, in time order. With `user`, only what concerns
    them: the lines they write or edit, and the events those lines cover; without, the
    whole desk (open lines, scheduled articles, every event)."""
    now = now or timezone.now()
    lines = BudgetLine.objects.exclude(status=BudgetLine.Status.SPIKED).due_between(start, end)
    events = Event.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if user is not None:
        mine = lines.filter(assignments__author__user=user) | lines.filter(editor=user)
        lines = mine.distinct()
        events = events.filter(
            Q(coverage__assignments__author__user=user) | Q(coverage__editor=user)
        ).distinct()
    found = list(_line_entries(lines.order_by("pk"), start, end))
    for event in events:
        found.append(
            Entry(
                "event",
                event.title,
                event.starts_at,
                reverse("admin:planning_event_change", args=[event.pk]),
                f"event-{event.pk}",
                ends=event.ends_at,
                detail=event.place,
            )
        )
    if user is None:
        scheduled = Article.objects.filter(
            status=Article.Status.PUBLISHED,
            published_at__gt=max(now, start),
            published_at__lt=end,
        ).only("pk", "title", "published_at")
        for article in scheduled:
            found.append(
                Entry(
                    "scheduled",
                    f"Scheduled: {article.title}",
                    article.published_at,
                    reverse("admin:articles_article_change", args=[article.pk]),
                    f"article-{article.pk}",
                )
            )
    return sorted(found, key=lambda e: (e.starts, e.title))


# --- The admin's week and month ------------------------------------------------------------


def week_start(day):
    return day - timedelta(days=day.weekday())


def grid(view, first_day, now=None):
    """Weeks of days, each day with its entries: [[(date, [Entry, ...]), ...7], ...]."""
    if view == "month":
        month_first = first_day.replace(day=1)
        start_day = week_start(month_first)
        next_month = (month_first + timedelta(days=32)).replace(day=1)
        end_day = week_start(next_month - timedelta(days=1)) + timedelta(days=7)
    else:
        start_day = week_start(first_day)
        end_day = start_day + timedelta(days=7)
    zone = timezone.get_current_timezone()
    start = datetime.combine(start_day, time.min, tzinfo=zone)
    end = datetime.combine(end_day, time.min, tzinfo=zone)
    by_day = {}
    for entry in entries(start, end, now=now):
        by_day.setdefault(timezone.localtime(entry.starts).date(), []).append(entry)
    days = [start_day + timedelta(days=n) for n in range((end_day - start_day).days)]
    return [[(d, by_day.get(d, [])) for d in days[i : i + 7]] for i in range(0, len(days), 7)]


def parse_day(value, default):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


# --- Private iCalendar feeds -----------------------------------------------------------------


def feed_for(user=None):
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def feed_token(feed):
    return signing.dumps([feed.pk, feed.generation], salt=FEED_SALT)


def feed_url(feed):
    return reverse("planning:calendar_feed", args=[feed_token(feed)])


def feed_from_token(token):
    """The feed a token opens, or None: a bad signature, a revoked feed or an old generation."""
    try:
        pk, generation = signing.loads(token, salt=FEED_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    feed = CalendarFeed.objects.select_related("user").filter(pk=pk).first()
    if feed is None or feed.revoked_at or feed.generation != generation:
        return None
    if feed.user_id and not feed.user.is_active:
        return None
    return feed


def revoke(feed):
    """Every address handed out so far stops working; feed_url() then gives a new one."""
    feed.generation += 1
    feed.save(update_fields=["generation"])


def ical(feed, now=None, days_back=30, days_ahead=180):
    """The feed as an iCalendar document (bytes)."""
    import icalendar

    from core.links import absolute_url

    now = now or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Defence Blog CMS//Planning desk//EN")
    calendar.add("version", "2.0")
    name = "Planning desk" if feed.user_id is None else f"My assignments ({feed.user})"
    calendar.add("x-wr-calname", name)
    start, end = now - timedelta(days=days_back), now + timedelta(days=days_ahead)
    for entry in entries(start, end, user=feed.user, now=now):
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@planning")
        event.add("dtstamp", now)
        event.add("summary", entry.title)
        # In UTC ("Z"): every client places it in its own time zone, no VTIMEZONE needed.
        starts = entry.starts.astimezone(UTC)
        event.add("dtstart", starts)
        event.add("dtend", (entry.ends or entry.starts + timedelta(minutes=30)).astimezone(UTC))
        event.add("url", absolute_url(entry.url))
        if entry.detail:
            event.add("description", entry.detail)
        event.add("categories", [entry.kind])
        calendar.add_component(event)
    return calendar.to_ical()
