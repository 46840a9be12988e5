from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from core import pagecache

        from . import (
            invalidation,
            signals,  # noqa: F401  (connects the search-names handlers)
        )
        from .models import Article, Correction

        # Cached pages and fragments turn stale when a scheduled article's or correction's
        # time comes (core/pagecache.py): one query, soonest first.
        invalidation.connect()  # what each change makes stale
        pagecache.register_schedule(
            lambda: (
                Article.objects.scheduled()
                .values_list("published_at", flat=True)
                .union(Correction.objects.upcoming().values_list("published_at", flat=True))
                .order_by("published_at")
            )
        )
