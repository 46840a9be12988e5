from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = "Media library"

    def ready(self):
        from core.content_state import content_state

        from .media_library import image_changed

        # What a change of an image makes stale (core.content_state tags): the pages that
        # show it as a lead image; bodies that show it are touched when they are rewritten.
        content_state.register_change("media.Image", image_changed)
