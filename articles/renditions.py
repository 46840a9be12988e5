"""Responsive image renditions, made by django-imagekit in a background task.

Saving an image with a new file leaves it *pending* (`Image.rendition_names` empty) and,
once the save has committed, enqueues `articles.tasks.make_image_renditions`. The task
makes the renditions, stores their names, points article bodies that show the picture at
them, and makes cached pages stale. While an image is pending, pages show the original
(already cleaned and limited in pixels by core.images.clean_image) at the size the
renditions will have, so nothing breaks and nothing asks the storage about files.
"""

import contextvars
from contextlib import contextmanager

from core.tasks import enqueue_on_commit

from .tasks import make_image_renditions

# Widths offered in srcset. The largest that fits the original is the fallback src.
WIDTHS = (320, 640, 960, 1280, 1920)


def widths_for(width):
    """The srcset widths an original `width` pixels wide can fill, smallest first: the
    standard widths below it, then its own width if it is not wider than the largest."""
    widths = [w for w in WIDTHS if not width or w < width]
    if width and width <= WIDTHS[-1]:
        widths.append(width)
    return widths


_collected = contextvars.ContextVar("collected_renditions", default=None)


def schedule(image_pk):
    """Enqueue the renditions of image `image_pk` once the current transaction commits
    (at once outside one), or, inside `collect()`, keep it for the end of that block."""
    collected = _collected.get()
    if collected is not None:
        collected.append(image_pk)
        return
    enqueue_on_commit(make_image_renditions, image_pk)


@contextmanager
def collect():
    """Images saved inside this block enqueue their renditions when it ends (each once,
    after the transaction then open commits), not as each is saved: the WordPress
    importer stores every original first and leaves the renditions to the worker once
    the posts that show them are written, so the task's rewrite of those posts' pictures
    finds them all. Enqueued even if the block raises (what was committed keeps its
    renditions); nothing is enqueued for a transaction rolled back."""
    collected = []
    token = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(token)
        for pk in dict.fromkeys(collected):
            schedule(pk)
