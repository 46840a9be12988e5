from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill

from core.images import CleanImageField, ToSRGB
from core.models import ImportKey
from media import renditions


class AuthorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_published_work(self):
        """Authors with at least one published article (the authors index leaves out the
        rest). The byline and article models are reached through the relation, so this app
        does not import articles, and "published" keeps its one definition there."""
        byline = self.model.bylines.rel.related_model
        article = byline._meta.get_field("article").related_model
        published = article.objects.published().filter(bylines__author=models.OuterRef("pk"))
        return self.filter(models.Exists(published))


class Author(ImportKey):
    """A byline. An author brought in by the WordPress importer keeps where it came from
    (ImportKey: one author per source and id)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(
        max_length=120, blank=True, help_text='Shown under the name, e.g. "Executive Editor".'
    )
    photo = CleanImageField(
        folder="authors/%Y/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="A square head-and-shoulders portrait works best.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_small = ImageSpecField(
        source="photo",
        processors=[ToSRGB(), ResizeToFill(160, 160)],
        format="WEBP",
        options={"quality": 82},
    )
    photo_large = ImageSpecField(
        source="photo",
        processors=[ToSRGB(), ResizeToFill(400, 400)],
        format="WEBP",
        options={"quality": 82},
    )
    # Storage names of the two photo renditions ({"small": name, "large": name}), written by
    # the background task once it has made them (authors/tasks.py). Empty while the photo
    # is pending: pages show the original photo, cropped by CSS to the same square.
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    short_bio = models.CharField(
        max_length=400, blank=True, help_text="One or two sentences for the box under articles."
    )
    long_bio = models.TextField(
        blank=True, help_text="The profile page's biography. Separate paragraphs with a blank line."
    )
    email = models.EmailField(blank=True, help_text="Public contact address, if any.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that writes under this byline.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive authors keep their bylines but leave the authors list."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta(ImportKey.Meta):
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A new or replaced photo (or one still waiting) is pending until the task has run.
        PHOTOS.saved(self)

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    def photo_rendition_files(self):
        """{"small": imagekit cache file, "large": …} (nothing generated)."""
        return {"small": self.photo_small, "large": self.photo_large} if self.photo else {}

    def photo_rendition_names(self):
        return {key: file.name for key, file in self.photo_rendition_files().items()}

    @property
    def photo_is_pending(self):
        return bool(self.photo) and not self.photo_renditions

    def _photo_url(self, key):
        if not self.photo:
            return ""
        name = self.photo_renditions.get(key)
        # Computed, never looked up in the storage; the original while pending.
        return self.photo.storage.url(name) if name else self.photo.url

    @property
    def photo_small_url(self):
        """The 160 px square photo for bylines and lists (the original while pending)."""
        return self._photo_url("small")

    @property
    def photo_large_url(self):
        """The 400 px square photo for the profile page (the original while pending)."""
        return self._photo_url("large")

    @property
    def initials(self):
        return "".join(part[0] for part in self.name.split()[:2]).upper()


# The photo's renditions: made by a task after a save, as the media library's images' are
# (media/renditions.py), and reached by `make_renditions` and `clean_images`.
PHOTOS = renditions.register(
    renditions.Pictures(
        Author,
        file_field="photo",
        names_field="photo_renditions",
        names="photo_rendition_names",
        task="authors.tasks.make_photo_renditions",
    )
)


class AuthorLink(models.Model):
    """A public profile elsewhere (personal site, social network, ORCID...)."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=60, help_text='e.g. "Mastodon", "Personal site".')
    url = models.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.label}: {self.url}"
