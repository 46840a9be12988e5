"""Resolving a link into an Embed row: the provider's oEmbed answer (title, author,
thumbnail), the poster downloaded into our media storage, the player's address. Runs when
an article is saved (embeds.tasks), never on a reader's request."""

import json
import logging

from django.core.files.base import ContentFile
from django.utils import timezone

from . import http
from .models import Embed
from .providers import provider_for

logger = logging.getLogger(__name__)


def resolve(url, refresh=False):
    """The Embed for `url`, looked up at its provider unless it already was successfully (or
    `refresh`): a failed look-up is tried again. Failures are stored in `error`, never
    raised: the facade then shows what the address alone tells (provider, player), without
    a title or poster. None for a link no provider claims."""
    provider = provider_for(url)
    if provider is None:
        return None
    embed, _ = Embed.objects.get_or_create(url=url, defaults={"provider": provider.key})
    if embed.fetched_at and not embed.error and not refresh:
        return embed
    embed.provider, embed.error = provider.key, ""
    data = {}
    if provider.oembed:
        try:
            data = json.loads(http.get(provider.oembed_url(url), max_bytes=512 * 1024))
            if not isinstance(data, dict):
                raise ValueError("the answer is not a JSON object")
        except (http.FetchError, ValueError) as exc:
            embed.error = f"oEmbed look-up failed: {exc}"
            data = {}
    embed.title = str(data.get("title") or "")[:300]
    embed.author_name = str(data.get("author_name") or "")[:200]
    embed.thumbnail_url = str(data.get("thumbnail_url") or "")[:1000]
    embed.html = str(data.get("html") or "")
    embed.frame_src = provider.frame_src(url, embed.html)
    if embed.thumbnail_url and not embed.error:
        try:
            picture = http.get(embed.thumbnail_url)
            embed.poster.save("poster", ContentFile(picture), save=False)
        except Exception as exc:  # a refused or undecodable picture: no poster
            embed.error = f"Thumbnail download failed: {exc}"
    embed.fetched_at = timezone.now()
    embed.save()
    if embed.error:
        logger.warning("Embed %s: %s", url, embed.error)
    return embed
