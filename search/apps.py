from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the spelling vocabulary current)
