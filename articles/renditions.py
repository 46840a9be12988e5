"""Responsive image renditions, made by django-imagekit in a background task.

Saving an image with a new file leaves it *pending* (`Image.rendition_names` empty) and,
once the save has committed, enqueues `articles.tasks.make_image_renditions`. The task
makes the renditions, stores their names, points article bodies that show the picture at
them, and makes cached pages stale. While an image is pending, pages show the original
(already cleaned and limited in pixels by core.images.clean_image) at the size the
renditions will have, so nothing breaks and nothing asks the storage about files.
"""

# Widths offered in srcset. The largest that fits the original is the fallback src.
WIDTHS = (320, 640, 960, 1280, 1920)


def widths_for(width):
    """The srcset widths an original `width` pixels wide can fill, smallest first: the
    standard widths below it, then its own width if it is not wider than the largest."""
    widths = [w for w in WIDTHS if not width or w < width]
    if width and width <= WIDTHS[-1]:
        widths.append(width)
    return widths
