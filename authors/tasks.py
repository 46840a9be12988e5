"""The authors' background work: the photo renditions, made after a photo is saved."""

from django.db import transaction

from core.content_state import content_state
from core.images import make_renditions
from core.tasks import retrying_task

from .models import Author


@retrying_task(attempts=4, backoff=60)
def make_photo_renditions(author_pk):
    """Make the two square renditions of author `author_pk`'s photo and store their names.
    Safe to run twice; stores nothing if the photo was removed or replaced meanwhile (the
    replacement enqueued its own run). A failure is retried with backoff and each failed
    run kept in the task results; the author's pages show the original photo meanwhile."""
    author = Author.objects.filter(pk=author_pk).first()
    if author is None or not author.photo:
        return
    names = make_renditions(author.photo_rendition_files())
    with transaction.atomic():
        stored = Author.objects.filter(pk=author.pk, photo=author.photo.name).update(
            photo_renditions=names
        )
        if stored:
            # .update() sends no signal: the pages showing the photo (the author's, and
            # their articles' "About the author") are stale, as when the author is saved.
            content_state.changed("authors.Author", author, {})
