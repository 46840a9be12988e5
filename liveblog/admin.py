"""The live blog admin: the compact posting form on the article's admin page (the
`live_blog_panel` tag in templates/admin/articles/article/change_form.html posts here),
starting and ending coverage, and each update's own change and delete pages with its
corrections. Who may do what: rules.py, checked in every view.

What starting, ending and resuming coverage and posting do is coverage.py; these views
check who may (rules.py), call it and say what happened. Every post, edit and delete
keeps a django-reversion revision of the update (with its corrections), so an edited or
deleted update can be seen and restored from its history.
"""

import reversion
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import workflow
from articles.admin.inlines import PublishedCorrectionsInline
from articles.models import Article
from core.revisions import SafeVersionAdmin

from . import coverage, pins, rules
from .forms import LiveUpdateChangeForm, LiveUpdateForm
from .models import LiveBlog, LiveUpdate, UpdateCorrection

reversion.register(UpdateCorrection)
reversion.register(LiveUpdate, follow=("corrections",))


COVERAGE_CHANGED = {
    "start": "This article is now a live blog: post updates below.",
    "end": "Live coverage ended: the page now reads as an article, updates kept.",
    "resume": "Live coverage resumed.",
}


def article_change_url(article_id):
    return reverse("admin:articles_article_change", args=[article_id])


# Reversion's "Recover deleted" pages: the only place an update is added through this
# admin (new updates are posted from their article's page).
RECOVER_VIEWS = {"liveblog_liveupdate_recoverlist", "liveblog_liveupdate_recover"}


def recovering(request):
    """Is this request for one of the "Recover deleted" pages?"""
    match = request.resolver_match
    return match is not None and match.url_name in RECOVER_VIEWS


class UpdateCorrectionInline(PublishedCorrectionsInline):
    model = UpdateCorrection
    fields = ["kind", "published_at", "text"]
    verbose_name_plural = "Corrections and notes (shown on the update)"


@admin.register(LiveUpdate)
class LiveUpdateAdmin(SafeVersionAdmin):
    form = LiveUpdateChangeForm
    inlines = [UpdateCorrectionInline]
    list_display = ["__str__", "live_blog", "published_at", "key_event", "pinned", "created_by"]
    list_filter = ["key_event", "pinned"]
    list_select_related = ["live_blog__article", "created_by"]
    search_fields = ["headline", "body"]
    autocomplete_fields = ["author"]
    readonly_fields = ["article_link", "created_by", "created", "modified"]
    fields = [
        "article_link",
        "published_at",
        "headline",
        "body",
        "author",
        "key_event",
        "pinned",
        "created_by",
        "created",
        "modified",
    ]
    show_full_result_count = False

    change_list_template = "admin/liveblog/liveupdate/change_list.html"

    def has_add_permission(self, request):
        """Updates are posted from their article's page; reversion asks this permission to
        bring a deleted update back, which editors may do."""
        return recovering(request) and workflow.is_editor(request.user)

    def changelist_view(self, request, extra_context=None):
        context = {"can_recover": workflow.is_editor(request.user), **(extra_context or {})}
        return super().changelist_view(request, context)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return rules.can_change_update(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return rules.can_change_update(request.user, obj, "delete")

    def get_queryset(self, request):
        updates = super().get_queryset(request)
        if workflow.is_editor(request.user):
            return updates
        return updates.filter(created_by=request.user.pk)

    @admin.display(description="Live blog")
    def article_link(self, obj):
        article = obj.live_blog.article
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">on the site</a>',
            article_change_url(article.pk),
            article.title,
            obj.get_absolute_url(),
        )

    def delete_model(self, request, obj):
        coverage.keep_last_revision([obj], request.user)
        super().delete_model(request, obj)
        obj.live_blog.touch()

    def delete_queryset(self, request, queryset):
        updates = list(queryset.select_related("live_blog"))
        coverage.keep_last_revision(updates, request.user)
        super().delete_queryset(request, queryset)
        for blog in {update.live_blog_id: update.live_blog for update in updates}.values():
            blog.touch()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pins.tell(request, pins.unpin_others(obj))

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, f"The update “{obj}” was changed.", messages.SUCCESS)
            return redirect(f"{article_change_url(obj.live_blog_id)}#live-blog")
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        blog_id = coverage.blog_of_deleted(obj_id)
        if blog_id is None:
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(
            request,
            f"The update “{obj_display}” was deleted; its history keeps it (Recover deleted).",
            messages.SUCCESS,
        )
        return redirect(f"{article_change_url(blog_id)}#live-blog")

    # --- Posting and coverage, from the article's admin page ----------------------------

    def get_urls(self):
        return [
            path(
                "post/<int:article_id>/",
                self.admin_site.admin_view(self.post_view),
                name="liveblog_liveupdate_post",
            ),
            path(
                "coverage/<int:article_id>/",
                self.admin_site.admin_view(self.coverage_view),
                name="liveblog_liveblog_coverage",
            ),
            *super().get_urls(),
        ]

    def post_view(self, request, article_id):
        """POST: a new update, published now. On a mistake the form is shown again on a
        page of its own with what was written."""
        if request.method != "POST":
            return redirect(f"{article_change_url(article_id)}#live-blog")
        blog = get_object_or_404(LiveBlog.objects.select_related("article"), pk=article_id)
        if not rules.can_post(request.user, blog.article):
            raise PermissionDenied
        form = LiveUpdateForm(request.POST, prefix="live")
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": f"Post an update to “{blog.article}”",
                "form": form,
                "blog": blog,
                "media": self.media + form.media,
                "opts": self.opts,
            }
            return TemplateResponse(request, "admin/liveblog/post_update.html", context)
        update = form.save(commit=False)
        unpinned = coverage.post(blog, update, request.user)
        messages.success(
            request, f"Update posted at {timezone.localtime(update.published_at):%H:%M}."
        )
        pins.tell(request, unpinned)
        return redirect(f"{article_change_url(article_id)}#live-blog")

    def coverage_view(self, request, article_id):
        """POST action=start (make the article a live blog), end, or resume."""
        if request.method != "POST":
            return redirect(f"{article_change_url(article_id)}#live-blog")
        article = get_object_or_404(Article, pk=article_id)
        if not rules.can_manage_coverage(request.user):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "start":
            changed = coverage.start(article, request.user)
        elif action == "end":
            changed = coverage.end(article.pk)
        elif action == "resume":
            changed = coverage.resume(article.pk)
        else:
            changed = False
        if changed:
            messages.success(request, COVERAGE_CHANGED[action])
        else:
            messages.warning(request, "Nothing changed: the live blog was already in that state.")
        return redirect(f"{article_change_url(article_id)}#live-blog")
