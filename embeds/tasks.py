from core.tasks import retrying_task

from .oembed import resolve


@retrying_task(attempts=3, backoff=60)
def resolve_embeds(urls):
    """Look up the given addresses at their providers (those not already looked up)."""
    for url in urls:
        resolve(url)
