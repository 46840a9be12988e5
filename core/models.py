"""Abstract models for fields several apps' models share, and querysets for rules several
apps' models share. Nothing here has a table."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TimedQuerySet(models.QuerySet):
    """Rows readers see once their time has passed: a `published_at` in the future hides
    the row until then. The one rule for articles' corrections, live-blog updates and
    their corrections; lists across articles combine it with the articles' own
    `published()`."""

    def visible(self, now=None):
        """Those whose time has come (by `now`, by default the present)."""
        return self.filter(published_at__lte=timezone.now() if now is None else now)

    def upcoming(self):
        """Dated in the future: readers see each from its `published_at`."""
        return self.filter(published_at__gt=timezone.now())


class ImportKey(models.Model):
    """Where an imported row came from (e.g. a WordPress site URL and post id), so a second
    import updates it instead of making a duplicate. The key is unique when there is one;
    rows made on this site have an empty `import_id`. A subclass's `Meta` inherits
    `ImportKey.Meta`; one that declares constraints of its own lists
    `*ImportKey.Meta.constraints` among them."""

    import_source = models.CharField(max_length=200, blank=True, default="", editable=False)
    import_id = models.CharField(max_length=64, blank=True, default="", editable=False)
    # A hash of the fields the import wrote (wordpress/fingerprints.py): a row whose fields
    # no longer match it was edited here, and a re-import leaves it as it is.
    import_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=~Q(import_id=""),
                name="%(class)s_unique_import_key",
            ),
        ]


class CreatedBy(models.Model):
    """The staff account that made the row. Deleting the account empties the field and keeps
    the row."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True
