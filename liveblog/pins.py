"""One pinned update per live blog: pinning an update unpins the one pinned before, and
the person pinning is told which (the posting panel, the update's change form)."""

from django.contrib import messages

from .models import LiveUpdate


def unpin_others(update):
    """When `update` (saved) is pinned, unpin every other pinned update of its live blog.
    Returns the updates unpinned (their titles are for the message)."""
    if not update.pinned:
        return []
    others = list(
        LiveUpdate.objects.filter(live_blog_id=update.live_blog_id, pinned=True).exclude(
            pk=update.pk
        )
    )
    for other in others:
        other.pinned = False
        other.save(update_fields=["pinned", "modified"])
    return others


def tell(request, unpinned):
    """Say which updates were unpinned, if any."""
    if unpinned:
        names = ", ".join(f"“{other}”" for other in unpinned)
        messages.info(request, f"Only one update is pinned at a time: {names} is no longer pinned.")
