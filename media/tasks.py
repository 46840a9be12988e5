"""The media library's background work: renditions of an image, made after it is saved."""

from django.db import transaction

from core.content_state import content_state
from core.tasks import retrying_task

from .media_library import show_renditions
from .models import Image


@retrying_task(attempts=4, backoff=60)
def make_image_renditions(image_pk):
    """Make the renditions of image `image_pk`, store their names, and show them in the
    article bodies that show the picture. Safe to run twice (renditions already stored are
    not made again; a stored name list is rewritten with the same names). Does nothing for
    an image deleted since, and stores nothing if its file was replaced meanwhile (the
    replacement enqueued its own run). A failure is retried with backoff; each failed run
    is kept in the task results with its error, and the image stays pending (pages show
    the original)."""
    image = Image.objects.filter(pk=image_pk).first()
    if image is None or not image.file:
        return
    names = image.generate_renditions()
    with transaction.atomic():
        stored = Image.objects.filter(pk=image.pk, file=image.file.name).update(
            rendition_names=names
        )
        if not stored:
            return
        image.rendition_names = names
        image.__dict__.pop("_rendition_urls", None)
        # The bodies that show the picture are rewritten, and their pages made stale;
        # .update() sends no signal, so the pages showing it as a lead image are told here.
        show_renditions(image)
        content_state.changed("media.Image", image, {})
