from django.apps import AppConfig


class LiveblogConfig(AppConfig):
    name = "liveblog"
    verbose_name = "Live blogs"

    def ready(self):
        from articles.invalidation import article_tags
        from articles.teasers import register_badge
        from core.content_state import content_state

        from .templatetags.live_badge import live_badges

        register_badge(live_badges)  # the "Live" badge on a live blog's teaser in listings

        # What a change makes stale (core.content_state tags): the pages that show the
        # live blog (`live:<pk>`: its article's page, its own pages, the poll, its feed;
        # any other page that shows it says so too); when the blog itself starts, ends or
        # goes, also its article's page and every listing of its teaser (the "Live" badge).
        content_state.register_change(
            "liveblog.LiveBlog",
            lambda blog, kw: {f"live:{blog.pk}", *article_tags(blog.article_id)},
        )
        content_state.register_change(
            "liveblog.LiveUpdate", lambda update, kw: {f"live:{update.live_blog_id}"}
        )
        content_state.register_change("liveblog.UpdateCorrection", _correction_tags)


def _correction_tags(fix, kwargs):
    """A correction of an update: its blog's pages (none left when the update is gone)."""
    from .models import LiveUpdate

    blogs = LiveUpdate.objects.filter(pk=fix.update_id).values_list("live_blog_id", flat=True)
    return {f"live:{blog}" for blog in blogs}
