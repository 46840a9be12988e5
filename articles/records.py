"""What the newsroom's tools keep about an article beside it: its old addresses (redirects),
share-preview links and open edit sessions (autosave and "… is editing"). Models of the
articles app, registered through articles.models."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import CreatedBy


class ArticleRedirect(models.Model):
    """An old address of an article (a changed slug or date, or an imported permalink) that
    answers with a permanent redirect to the article's current address."""

    old_path = models.CharField(
        max_length=500, unique=True, help_text="The old path, e.g. /2019/05/04/old-slug/."
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="redirects"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.article}"

    def get_absolute_url(self):
        return self.old_path


class PreviewLink(CreatedBy):
    """A shareable, expiring, revocable link that lets someone without an account read an
    unpublished article."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="preview_links"
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Preview of “{self.article}” until {self.expires_at:%d %b %Y}"

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class EditSession(models.Model):
    """One person's open edit of one article: when their page last said it was still open
    (the heartbeat, so others see "… is editing this article") and their changes not yet
    saved (the autosave). An autosave is not a revision: the article, its version and its
    history are untouched until the person saves the form (articles/autosave.py)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="edit_sessions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(help_text="The page's last heartbeat.")
    changes = models.JSONField(
        default=dict, blank=True, help_text="Unsaved field values, by field name."
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_edit_session_per_person")
        ]

    def __str__(self):
        return f"{self.user} editing “{self.article}”"
