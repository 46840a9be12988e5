"""Add a published article's new words to the spelling vocabulary when it is saved
(search/spelling.py). Connected in SearchConfig.ready(): the articles app never knows."""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article

from .spelling import add_article_words


@receiver(post_init, sender=Article, dispatch_uid="search_terms_article_loaded")
def remember_publication(sender, instance, **kwargs):
    fields = instance.__dict__  # never loads a deferred field
    instance._was_published = bool(
        fields.get("status") == Article.Status.PUBLISHED
        and fields.get("published_at")
        and fields["published_at"] <= timezone.now()
        and instance.pk
    )


@receiver(post_save, sender=Article, dispatch_uid="search_terms_article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    """A published article's words can be corrected to at once (search/spelling.py)."""
    if instance.is_published and not raw:
        add_article_words(instance.pk, newly_published=not instance._was_published)
    instance._was_published = instance.is_published
