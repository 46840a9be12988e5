"""Dashboard panels (core/admin_site.py): one or two queries each."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from core.admin_site import register_panel

from .. import workflow
from ..models import Article

PANEL_SIZE = 8


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _local(moment):
    return f"{timezone.localtime(moment):%a %d %b, %H:%M}"


def _changelist(**filters):
    return f"{reverse('admin:articles_article_changelist')}?{urlencode(filters)}"


@register_panel
def in_review_panel(request):
    if not request.user.has_perm("articles.view_article"):
        return None
    articles = workflow.in_review(request.user)
    items = [
        (
            a.title,
            _change_url(a),
            f"from {a.created_by or 'an import'}, {timesince(a.modified)} ago",
        )
        for a in articles.select_related("created_by")[:PANEL_SIZE]
    ]
    return {
        "title": "In review",
        "items": items,
        "count": articles.count(),
        "empty": "Nothing is waiting for review.",
        "link": ("All articles in review", _changelist(status__exact=Article.Status.IN_REVIEW)),
    }


@register_panel
def scheduled_panel(request):
    if not request.user.has_perm("articles.view_article"):
        return None
    articles = workflow.scheduled(request.user)
    items = [(a.title, _change_url(a), _local(a.published_at)) for a in articles[:PANEL_SIZE]]
    return {
        "title": "Scheduled",
        "items": items,
        "count": articles.count(),
        "empty": "Nothing is scheduled.",
    }


@register_panel
def my_drafts_panel(request):
    if not request.user.has_perm("articles.add_article"):
        return None
    items = [
        (a.title, _change_url(a), f"edited {timesince(a.modified)} ago")
        for a in workflow.drafts_of(request.user)[:PANEL_SIZE]
    ]
    return {
        "title": "My drafts",
        "items": items,
        "empty": "No drafts of yours. Articles → Add starts one.",
        "link": ("Write an article", reverse("admin:articles_article_add")),
    }


@register_panel
def recently_published_panel(request):
    if not request.user.has_perm("articles.view_article"):
        return None
    editor = workflow.is_editor(request.user)
    articles = Article.objects.published().order_by("-published_at")[:PANEL_SIZE]
    items = [
        (a.title, _change_url(a) if editor else a.get_absolute_url(), _local(a.published_at))
        for a in articles
    ]
    return {"title": "Recently published", "items": items, "empty": "Nothing published yet."}
