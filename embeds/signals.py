"""Resolve the embeds of an article when it is saved: the look-ups run in a background
task once the save has committed, so the editor never waits on a provider. The app knows
articles only by their label (a lazy sender) and reads `body`: it imports no other app."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import uses
from .body import embed_links
from .models import Embed
from .tasks import resolve_embeds


def resolve_later(html):
    """Enqueue the look-up of the embeddable links in `html` not yet resolved (or whose last
    look-up failed: saving again retries them)."""
    if not getattr(settings, "EMBEDS_RESOLVE", True):
        return
    urls = embed_links(html)
    if not urls:
        return
    resolved = Embed.objects.filter(url__in=urls, fetched_at__isnull=False, error="")
    known = set(resolved.values_list("url", flat=True))
    missing = [url for url in urls if url not in known]
    if missing:
        transaction.on_commit(lambda: resolve_embeds.enqueue(missing))


@receiver(post_save, sender="articles.Article", dispatch_uid="embeds_article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        uses.record(instance)
        resolve_later(instance.body)
