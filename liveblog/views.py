"""Readers' addresses of a live blog besides its article page: the poll endpoint the
page's script asks for new updates, the "older updates" pages, one update's own page and
(feeds.py) the feed of updates.

The poll endpoint is one address per live blog, the same for every reader, so the page
cache (core/pagecache.py) and a CDN answer nearly all polls: a 304 from the stored ETag
when nothing changed. Posting, editing, pinning or correcting an update changes the
content version, so the next poll renders afresh (four queries) and every reader gets it.
"""

import hashlib
import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from articles.models import Article
from core.caching import public_page
from core.pagecache import shows

from . import pages
from .models import LiveBlog, LiveUpdate


def published_blog(pk):
    """The live blog of a published article, with its article, or 404."""
    return get_object_or_404(
        LiveBlog.objects.select_related("article").filter(article__in=Article.objects.published()),
        pk=pk,
    )


@require_GET
def poll(request, pk):
    """JSON: whether the coverage is live, the key events and pinned updates as the HTML
    at the top of the page ("highlights"), and the newest POLL_UPDATES unpinned updates,
    each as the HTML the page shows, so an edited or corrected update replaces the one on
    the page. Strong ETag over the answer; 304 when it matches."""
    blog = published_blog(pk)
    shows(request, f"live:{blog.pk}")
    article = blog.article
    page_url = article.get_absolute_url()
    coverage = pages.Coverage.of(blog)
    timeline = pages.timeline(coverage, pages.POLL_UPDATES)
    context = {"article": article, "page_url": page_url, "timeline": timeline}
    updated = pages.last_updated(timeline)
    data = {
        "live": coverage.is_live,
        "updated": updated.isoformat() if updated else None,
        "highlights": render_to_string("liveblog/highlights.html", context).strip(),
        "updates": [
            {
                "id": update.pk,
                "html": render_to_string("liveblog/update.html", {**context, "update": update}),
            }
            for update in timeline.updates
        ],
    }
    body = json.dumps(data, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    response["X-Robots-Tag"] = "noindex"
    # A 304 when the reader's copy matches. The page cache asks the view without the
    # reader's If-None-Match on a miss, so it keeps the whole answer and gives the 304 itself.
    return get_conditional_response(request, etag=response["ETag"], response=response)


class LiveBlogPage(TemplateView):
    """A page of a live blog's updates outside its article page (noindex: the article is
    the page to index)."""

    @classmethod
    def as_view(cls, **kwargs):
        return public_page(super().as_view(**kwargs))

    def get(self, request, *args, **kwargs):
        self.blog = published_blog(kwargs["pk"])
        shows(request, f"live:{self.blog.pk}", f"article:{self.blog.article_id}")
        response = super().get(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, follow"
        return response

    def get_context_data(self, **kwargs):
        article = self.blog.article
        return super().get_context_data(
            article=article, blog=self.blog, page_url=article.get_absolute_url(), **kwargs
        )


class OlderUpdates(LiveBlogPage):
    """?before=<update id>: the PAGE_UPDATES updates before that one, and a link on."""

    template_name = "liveblog/older_updates.html"

    def get_context_data(self, **kwargs):
        try:
            before_id = int(self.request.GET.get("before", ""))
        except ValueError:
            raise Http404("No such update") from None
        before = get_object_or_404(LiveUpdate.objects.visible(), pk=before_id, live_blog=self.blog)
        updates = pages.newest(self.blog.pk, pages.PAGE_UPDATES, before=before)
        shown = pages.with_corrections(updates[: pages.PAGE_UPDATES])
        older = shown[-1] if len(updates) > pages.PAGE_UPDATES else None
        return super().get_context_data(updates=shown, older=older, **kwargs)


class UpdatePage(LiveBlogPage):
    """One update on its own page (key events link here when the update is no longer
    among the newest on the article page)."""

    template_name = "liveblog/update_page.html"

    def get_context_data(self, **kwargs):
        update = get_object_or_404(
            LiveUpdate.objects.visible().select_related("author", "created_by"),
            pk=kwargs["update_id"],
            live_blog=self.blog,
        )
        return super().get_context_data(update=pages.with_corrections([update])[0], **kwargs)
