from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from core import pagecache

        from . import signals  # noqa: F401  (connects the search-names handlers)
        from .models import Article

        # Cached pages turn stale when a scheduled article's time comes (core/pagecache.py).
        pagecache.register_schedule(
            lambda: (
                Article.objects.scheduled()
                .order_by("published_at")
                .values_list("published_at", flat=True)
            )
        )
