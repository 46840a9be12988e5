from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self):
        from . import signals  # noqa: F401 - connects the photo renditions' receiver
