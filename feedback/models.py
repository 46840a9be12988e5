from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction

from .changed import reports_changed

# How alike two quotes must be (PostgreSQL trigram similarity, 0–1) to be flagged as
# possibly the same report.
DUPLICATE_SIMILARITY = 0.3


class ErrorReportQuerySet(models.QuerySet):
    def open(self):
        """Reports somebody still has to act on."""
        return self.filter(status__in=ErrorReport.OPEN_STATUSES)

    def assigned_to(self, user):
        """Open reports waiting for `user`: the hand-off from feedback staff to an editor."""
        return self.open().filter(assignee=user.pk)

    def update(self, **kwargs):
        """Bulk changes (the list's actions, the purge) bypass post_save: tell the
        assigned-report counts themselves."""
        changed = super().update(**kwargs)
        reports_changed()
        return changed

    def set_status(self, status):
        """Bulk status change that keeps `resolved_at` right (the database insists)."""
        resolved_at = timezone.now() if status in ErrorReport.RESOLVED_STATUSES else None
        return self.update(status=status, resolved_at=resolved_at, updated=timezone.now())

    def possible_duplicates(self, report):
        """Open reports on the same article quoting similar text, most alike first."""
        if not report.article_id or not report.quoted_text.strip():
            return self.none()
        return (
            self.open()
            .filter(article_id=report.article_id)
            .exclude(pk=report.pk)
            .annotate(similarity=TrigramSimilarity("quoted_text", report.quoted_text))
            .filter(similarity__gte=DUPLICATE_SIMILARITY)
            .order_by("-similarity", "created")
        )


class ErrorReport(models.Model):
    """A reader's report of a grammatical or factual error, a broken link or another
    problem, and what the newsroom did about it."""

    class Kind(models.TextChoices):
        GRAMMAR = "grammar", "Grammar or spelling"
        FACTUAL = "factual", "Factual error"
        BROKEN = "broken", "Broken link or image"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        NEEDS_INFO = "needs_info", "Needs more information"
        FIXED = "fixed", "Resolved (fixed)"
        NO_CHANGE = "no_change", "Resolved (no change needed)"
        DUPLICATE = "duplicate", "Duplicate"
        SPAM = "spam", "Spam"

    OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.NEEDS_INFO)
    RESOLVED_STATUSES = (Status.FIXED, Status.NO_CHANGE, Status.DUPLICATE, Status.SPAM)

    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        # A reported article cannot be deleted: the report keeps pointing at what it reported.
        on_delete=models.PROTECT,
        related_name="error_reports",
        help_text="The article the reader was reading, if any.",
    )
    page_url = models.CharField(
        "page address",
        max_length=500,
        blank=True,
        help_text="For problems that are not on an article: the page the reader means.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FACTUAL)
    quoted_text = models.CharField("text that is wrong", max_length=1000, blank=True)
    suggested_correction = models.CharField(max_length=1000, blank=True)
    details = models.CharField(max_length=3000, blank=True)
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField("e-mail", blank=True)
    wants_reply = models.BooleanField(
        "wants to hear back",
        default=False,
        help_text="The reader asked to be told what we did. Needs an e-mail address.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    spam_reason = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Why the form marked this report as spam when it arrived.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_error_reports",
        help_text="Who is looking into it.",
    )
    staff_notes = models.TextField(
        "internal notes", blank=True, help_text="Only staff see these; the reader never does."
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text="Set with the status “Duplicate”: the report this one repeats.",
    )
    correction = models.ForeignKey(
        Correction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="error_reports",
        help_text="The published correction this report led to.",
    )
    # A salted SHA-256 of the reader's network address (core.spam.client_hash): enough
    # to see that reports came from the same place, never the address itself.
    client_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    updated = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    contact_removed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the reader's name and e-mail address were removed (data retention).",
    )

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "error report"
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False) | ~Q(page_url=""),
                name="errorreport_names_article_or_page",
                violation_error_message="A report needs an article or a page address.",
            ),
            models.CheckConstraint(
                condition=Q(wants_reply=False) | ~Q(email=""),
                name="errorreport_reply_needs_email",
                violation_error_message="To hear back, the reader must give an e-mail address.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["fixed", "no_change", "duplicate", "spam"])
                    & Q(resolved_at__isnull=False)
                )
                | (
                    ~Q(status__in=["fixed", "no_change", "duplicate", "spam"])
                    & Q(resolved_at__isnull=True)
                ),
                name="errorreport_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(status="duplicate"),
                name="errorreport_duplicate_of_needs_status",
                violation_error_message="Only a report marked “Duplicate” can point to the "
                "report it repeats.",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("id")),
                name="errorreport_not_duplicate_of_itself",
                violation_error_message="A report cannot be a duplicate of itself.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created"], name="errorreport_status_idx"),
            models.Index(fields=["article", "status"], name="errorreport_article_idx"),
        ]

    def __str__(self):
        # Shown to every staff member who handles reports: the title only while published.
        if self.article_id:
            about = f"“{self.article}”" if self.article.is_published else "an unpublished article"
        else:
            about = self.page_url
        return f"#{self.pk} {self.get_kind_display()}: {about}"

    def save(self, *args, **kwargs):
        if self.status in self.RESOLVED_STATUSES:
            self.resolved_at = self.resolved_at or timezone.now()
        else:
            self.resolved_at = None
        super().save(*args, **kwargs)

    def get_admin_url(self):
        return reverse("admin:feedback_errorreport_change", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def can_reply(self):
        return self.wants_reply and bool(self.email)

    def page_address(self):
        """Where the problem is, as an absolute address staff can open."""
        if self.article_id:
            return f"{settings.SITE_URL}{self.article.get_absolute_url()}"
        if self.page_url.startswith("/"):
            return f"{settings.SITE_URL}{self.page_url}"
        return self.page_url
