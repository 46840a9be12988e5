"""What a live blog's reader page, its poll endpoint and its "older updates" pages show,
each in a fixed number of queries of bounded rows, whatever the number of updates.

Whether an article is a live blog is one primary-key look-up, made only when the page's
parts are rendered (not when they come from core.fragments); a live blog's page then
reads its newest updates, its key events and pinned updates, and their corrections: three
queries more.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, prefetch_related_objects

from .models import LiveBlog, LiveUpdate, UpdateCorrection, is_live_between

PAGE_UPDATES = 30  # on the article page, and per "older updates" page
POLL_UPDATES = 20  # the newest, in each poll answer
HIGHLIGHTS = 12  # key events and pinned updates summarised at the top


@dataclass
class Coverage:
    """A live blog as the reader pages need it (kept in process memory)."""

    article_id: int
    start: object
    end: object = None

    @classmethod
    def of(cls, blog):
        return cls(blog.pk, blog.coverage_start, blog.coverage_end)

    @property
    def is_live(self):
        return is_live_between(self.start, self.end)


def coverage_of(article):
    """The article's Coverage, or None for an ordinary article; read once per article
    object, whichever part of the page asks first."""
    if "_live_coverage" not in article.__dict__:
        row = (
            LiveBlog.objects.filter(pk=article.pk)
            .values_list("article_id", "coverage_start", "coverage_end")
            .first()
            if article.pk
            else None
        )
        article._live_coverage = Coverage(*row) if row else None
    return article._live_coverage


def poll_seconds():
    return settings.LIVEBLOG_POLL_SECONDS


def newest(live_blog_id, count, before=None):
    """Up to `count` + 1 unpinned updates, newest first (the extra one says there are
    older ones), through the (live blog, time, id) index."""
    updates = LiveUpdate.objects.visible().filter(live_blog_id=live_blog_id, pinned=False)
    if before is not None:
        updates = updates.filter(
            Q(published_at__lt=before.published_at)
            | Q(published_at=before.published_at, id__lt=before.pk)
        )
    return list(
        updates.order_by("-published_at", "-id").select_related("author", "created_by")[: count + 1]
    )


def with_corrections(updates):
    visible = UpdateCorrection.objects.visible().order_by("published_at", "id")
    prefetch_related_objects(
        updates, Prefetch("corrections", queryset=visible, to_attr="visible_corrections")
    )
    return updates


@dataclass
class Timeline:
    coverage: Coverage
    pinned: list = field(default_factory=list)
    key_events: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    older: object = None  # the last update shown, when there are older ones

    @property
    def shown(self):
        """The ids of the updates on the page (key events link to them by anchor)."""
        return {u.pk for u in self.pinned + self.updates}


def highlights(live_blog_id):
    """Pinned updates and key events (pinned first), newest first, at most HIGHLIGHTS: one
    query."""
    return list(
        LiveUpdate.objects.visible()
        .filter(Q(key_event=True) | Q(pinned=True), live_blog_id=live_blog_id)
        .select_related("author", "created_by")
        .order_by("-pinned", "-published_at", "-id")[:HIGHLIGHTS]
    )


def timeline(coverage, count=PAGE_UPDATES):
    """Pinned updates, key events (pinned first) and the newest `count` updates, in three
    queries: the article page's part (PAGE_UPDATES) and the poll's answer (POLL_UPDATES)."""
    found = highlights(coverage.article_id)
    updates = newest(coverage.article_id, count)
    more = len(updates) > count
    updates = updates[:count]
    pinned = [u for u in found if u.pinned]
    with_corrections(pinned + updates)
    return Timeline(
        coverage=coverage,
        pinned=pinned,
        key_events=[u for u in found if u.key_event or u.pinned],
        updates=updates,
        older=updates[-1] if more else None,
    )


def last_updated(timeline):
    """The time of the newest update shown (pinned or not), or None."""
    times = [update.published_at for update in timeline.pinned + timeline.updates]
    return max(times) if times else None
