"""Responsive image renditions, made by django-imagekit.

Renditions are generated once, when the source image is saved (the "optimistic" strategy),
so rendering a page only computes URLs: no storage look-ups and no database queries.
"""

import logging

from imagekit.cachefiles.strategies import Optimistic

logger = logging.getLogger(__name__)

# Widths offered in srcset. The largest that fits the original is the fallback src.
WIDTHS = (320, 640, 960, 1280, 1920)


class SafeOptimistic(Optimistic):
    """Generate renditions when the source is saved, but never let a failure there undo
    the save: the upload is kept, the error logged, and the rendition made on demand."""

    def on_source_saved(self, file):
        try:
            file.generate()
        except Exception:
            logger.exception("Could not generate rendition %s", file.name)

    def on_content_required(self, file):
        file.generate()
