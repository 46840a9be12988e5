"""Responsive image renditions, made by django-imagekit in a background task.

Saving a picture with a new file leaves it *pending* (its rendition names empty) and, once
the save has committed, enqueues its model's rendition task (`media.tasks.make_image_renditions`
for the library's images, `authors.tasks.make_photo_renditions` for author photos). The task
makes the renditions, stores their names and makes cached pages stale; the library's task
also points article bodies that show the picture at them. While a picture is pending, pages
show the original (already cleaned and limited in pixels by core.images.clean_image) at
the size the renditions will have, so nothing breaks and nothing asks the storage about
files.

Each model whose pictures have renditions describes them once as `Pictures` and registers
it (`register`): its save calls `Pictures.saved`, and `manage.py make_renditions` and
`manage.py clean_images` reach every registered model without importing its app.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.module_loading import import_string

from core.tasks import enqueue_on_commit

# Widths offered in srcset. The largest that fits the original is the fallback src.
WIDTHS = (320, 640, 960, 1280, 1920)


def widths_for(width):
    """The srcset widths an original `width` pixels wide can fill, smallest first: the
    standard widths below it, then its own width if it is not wider than the largest."""
    widths = [w for w in WIDTHS if not width or w < width]
    if width and width <= WIDTHS[-1]:
        widths.append(width)
    return widths


@dataclass(frozen=True)
class Pictures:
    """A model's picture field whose renditions a background task makes: `file_field` (a
    core.images.CleanImageField), `names_field` (a JSONField of the renditions' storage
    names, empty while pending), `names` (the model's method giving the names its current
    file's renditions have, nothing generated) and `task` (a task taking the row's pk)."""

    model: type
    file_field: str
    names_field: str
    names: str
    task: str

    @property
    def make(self):
        """The rendition task."""
        return import_string(self.task)

    def saved(self, instance):
        """After `instance` was saved: a new or replaced file (or one still waiting) is
        pending until the task has made its renditions, enqueued once the save commits.
        Nothing to do when the stored names are those of the current file."""
        stored = getattr(instance, self.names_field)
        if stored and stored == getattr(instance, self.names)():
            return
        if stored:
            self.model._base_manager.filter(pk=instance.pk).update(**{self.names_field: {}})
            setattr(instance, self.names_field, {})
        if getattr(instance, self.file_field):
            schedule(self.make, instance.pk)

    def pending(self):
        """The rows with a picture whose renditions were never made."""
        return self.model._base_manager.exclude(**{self.file_field: ""}).filter(
            **{self.names_field: {}}
        )

    def with_files(self):
        """The rows with a picture, oldest first."""
        return self.model._base_manager.exclude(**{self.file_field: ""}).order_by("pk")


_registered = {}


def register(pictures):
    """Make `pictures` known to the commands that reach every picture; returns it."""
    _registered[pictures.model._meta.label] = pictures
    return pictures


def registered():
    """Every registered `Pictures`, the media library's first."""
    return list(_registered.values())


_collected = contextvars.ContextVar("collected_renditions", default=None)


def schedule(task, pk):
    """Enqueue `task` for the row `pk` once the current transaction commits (at once
    outside one), or, inside `collect()`, keep it for the end of that block."""
    collected = _collected.get()
    if collected is not None:
        collected.append((task, pk))
        return
    enqueue_on_commit(task, pk)


@contextmanager
def collect():
    """Pictures saved inside this block enqueue their renditions when it ends (each once,
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
        for task, pk in dict.fromkeys(collected):
            schedule(task, pk)
