from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.db.models import F
        from django.utils import timezone

        from core import pagecache
        from media import media_library

        from . import (
            invalidation,
            signals,  # noqa: F401  (connects the search-names handlers)
        )
        from .models import Article, Correction

        # Article bodies and lead images show the media library's pictures: the library
        # lists these uses, protects an image in use, and rewrites the bodies when a file or
        # credit changes (an edit: the version is bumped, so an open form is told).
        media_library.register_bodies(
            media_library.Bodies(
                Article,
                body="body",
                lead="lead_image",
                listed=("title", "slug", "status", "published_at"),
                edited=lambda: {"version": F("version") + 1, "modified": timezone.now()},
                tags=invalidation.articles_tags,
            )
        )

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
