from django.db import models

from core.images import CleanImageField

from .providers import PROVIDERS, by_key


class Embed(models.Model):
    """A pasted video or post, resolved once (oEmbed, when an article is saved) and kept:
    reader pages read this row and never ask the provider anything."""

    url = models.URLField("address", max_length=500, unique=True)
    provider = models.CharField(max_length=20, choices=[(p.key, p.name) for p in PROVIDERS])
    title = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    thumbnail_url = models.URLField(max_length=1000, blank=True)
    # The provider's thumbnail, downloaded and cleaned when the embed is resolved, so the
    # facade's poster comes from our own media storage.
    poster = CleanImageField(
        folder="embeds/%Y/%m/",
        width_field="poster_width",
        height_field="poster_height",
        blank=True,
    )
    poster_width = models.PositiveIntegerField(null=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, editable=False)
    # The player loaded on the reader's click; `html` is the provider's oEmbed markup,
    # kept for reference and never rendered (it loads the provider's scripts).
    frame_src = models.URLField("player address", max_length=1000, blank=True)
    html = models.TextField("oEmbed HTML", blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the last look-up failed, if it did.")

    class Meta:
        ordering = ["-fetched_at", "url"]

    def __str__(self):
        return self.title or self.url

    def get_absolute_url(self):
        return self.url

    @property
    def provider_name(self):
        provider = by_key(self.provider)
        return provider.name if provider else self.provider

    @property
    def aspect(self):
        provider = by_key(self.provider)
        return provider.aspect if provider else "16x9"


class EmbedUse(models.Model):
    """An embeddable address in an article's body, kept whenever the article is saved
    (embeds.signals), so the admin's list of embeds can follow the draft rule: whoever may
    not read an article does not see the videos pasted only into it (embeds.uses). The
    article is known by its label: this app imports no other."""

    url = models.URLField("address", max_length=500)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["article", "url"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="embeds_use_one_per_article"),
        ]
        indexes = [models.Index(fields=["url"], name="embeds_use_url")]

    def __str__(self):
        return self.url
