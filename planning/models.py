"""The planning desk: the story budget, its assignments, the coverage diary and the
private calendar feeds.

A budget line is a story the desk means to run. It names who writes it (authors: staff
with an account, or freelancers without one), who edits it, when it is due and when it
should run. Starting its article links the two for good (one line, one article), and the
article's workflow then moves the line: submitted for review → filed, published →
published (planning/budget.py).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from authors.models import Author
from core.models import CreatedBy


class EventQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=(now or timezone.now())).order_by("starts_at")

    def past(self, now=None):
        return self.filter(starts_at__lt=(now or timezone.now())).order_by("-starts_at")


class Event(CreatedBy):
    """Something coming that the desk may cover: an exercise, an arms fair, a budget hearing."""

    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends", null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    links = models.TextField(
        blank=True, help_text="Programme, accreditation, background: one address per line."
    )
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="planning_event_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d %b %Y})"

    def get_absolute_url(self):
        return reverse("admin:planning_event_change", args=[self.pk])

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class BudgetLineQuerySet(models.QuerySet):
    def open(self):
        """Lines still being worked on: not published, not spiked."""
        return self.exclude(status__in=[BudgetLine.Status.PUBLISHED, BudgetLine.Status.SPIKED])

    def overdue(self, now=None):
        """Open lines whose deadline has passed with nothing filed yet."""
        return self.filter(
            status__in=[BudgetLine.Status.IDEA, BudgetLine.Status.ASSIGNED],
            deadline__lt=(now or timezone.now()),
        )

    def assigned_to(self, user):
        return self.filter(assignments__author__user=user).distinct()

    def visible_to(self, user):
        """Editors (who may change lines) see the whole budget; anyone else only the lines
        they are assigned to."""
        if user.has_perm("planning.change_budgetline"):
            return self
        return self.assigned_to(user)

    def due_between(self, start, end):
        return self.filter(
            Q(deadline__gte=start, deadline__lt=end) | Q(publish_at__gte=start, publish_at__lt=end)
        )


class BudgetLine(CreatedBy):
    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        ASSIGNED = "assigned", "Assigned"
        FILED = "filed", "Filed"
        EDITED = "edited", "Edited"
        READY = "ready", "Ready"
        PUBLISHED = "published", "Published"
        SPIKED = "spiked", "Spiked"

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        NORMAL = 2, "Normal"
        LOW = 3, "Low"

    slug = models.SlugField(
        "story slug",
        max_length=80,
        help_text="The desk's short name for the story, e.g. frigate-sea-trials.",
    )
    pitch = models.TextField(help_text="One paragraph: what the story is and why now.")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines"
    )
    authors = models.ManyToManyField(
        Author, through="Assignment", related_name="budget_lines", blank=True
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="edited_budget_lines",
        help_text="The editor responsible for the story.",
    )
    deadline = models.DateTimeField(null=True, blank=True, help_text="When the copy is due.")
    publish_at = models.DateTimeField(
        "target publication", null=True, blank=True, help_text="When the desk means to run it."
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IDEA)
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coverage",
        help_text="The diary event this story covers, if any.",
    )
    article = models.OneToOneField(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_line",
        editable=False,
    )
    needs_attention = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why the desk must look at this line again (e.g. its writer's account was "
        "deleted). Clear it once dealt with.",
    )
    assigned_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    fee = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Freelance commissions only: the agreed fee.",
    )
    currency = models.CharField(max_length=3, blank=True, help_text="e.g. EUR, GBP, USD.")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "deadline", "pk"]
        permissions = [
            ("view_commissions", "Can see freelance fees and commissions"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | ~Q(currency=""),
                name="planning_fee_has_currency",
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="planning_line_status_due"),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("admin:planning_budgetline_change", args=[self.pk])

    @property
    def is_open(self):
        return self.status not in (self.Status.PUBLISHED, self.Status.SPIKED)

    def is_overdue(self, now=None):
        return (
            self.status in (self.Status.IDEA, self.Status.ASSIGNED)
            and self.deadline is not None
            and self.deadline < (now or timezone.now())
        )

    @property
    def commission_payable(self):
        return self.fee is not None and self.published_at is not None


class Assignment(models.Model):
    """One writer on a budget line."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="assignments")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "author"], name="planning_one_assignment")
        ]

    def __str__(self):
        return f"{self.author} on {self.line}"


class CalendarFeed(models.Model):
    """A private iCalendar address: one per person, and one for the whole desk (no user).
    The address carries a signature over the feed and its generation; revoking bumps the
    generation, so every address handed out before stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    generation = models.PositiveIntegerField(default=1)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], name="planning_one_feed_per_user", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"Calendar of {self.user}" if self.user_id else "The desk's calendar"
