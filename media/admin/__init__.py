"""The media app's admin: the media library (`images`) and the image chooser (`chooser`).
Importing the modules registers the Image admin."""

from . import chooser, images

__all__ = ["chooser", "images"]
