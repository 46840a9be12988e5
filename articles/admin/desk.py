"""The article form's safety nets (articles/autosave.py, static/admin-extra/article-desk.js):
the autosave and heartbeat endpoint, the offer to restore unsaved changes, and who else has
the article open."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import autosave
from ..models import Article


def _restoring(request):
    return request.GET.get("autosave") == "restore"


def _when(moment):
    """ "10:42" today, "10:42 on 5 Dec" before."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local:%H:%M} on {local.day} {local:%b}"


class DeskMixin:
    """For ArticleAdmin: its change form autosaves, beats and offers a restore."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/autosave/",
                self.admin_site.admin_view(self.autosave_view),
                name="articles_article_autosave",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @method_decorator(require_POST)
    def autosave_view(self, request, object_id):
        """The article form's heartbeat (articles/autosave.py): records that the person has
        it open and, when posted, their unsaved text; "discard" drops it, "leave" says the
        page closed. Answers who else has the article open."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        user = request.user
        if "discard" in request.POST:
            autosave.forget(article, user)
            messages.success(request, "Your unsaved changes were discarded.")
            return redirect("admin:articles_article_change", article.pk)
        if "leave" in request.POST:
            autosave.leave(article, user)
            return JsonResponse({"others": []})
        session = autosave.beat(article, user, autosave.cleaned_changes(request.POST))
        saved = session.changed_at and timezone.localtime(session.changed_at)
        return JsonResponse(
            {
                "others": autosave.others_editing(article, user),
                "saved_at": f"{saved:%H:%M:%S}" if saved else None,
            }
        )

    def get_object(self, request, object_id, from_field=None):
        """With ?autosave=restore on the change form, the article as the person left it
        unsaved (in memory only: nothing is stored until they save)."""
        article = super().get_object(request, object_id, from_field)
        if article is not None and request.method == "GET" and _restoring(request):
            session = autosave.unsaved(article, request.user)
            if session is not None:
                autosave.restore(article, session)
        return article

    def _desk_context(self, request, object_id):
        """The restore offer and who else is editing, for the change form."""
        try:
            pk = Article._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return {}  # not an article's address: the admin answers it as usual
        article = Article.objects.filter(pk=pk).first()
        if article is None or not self.has_change_permission(request, article):
            return {}
        session = autosave.unsaved(article, request.user)
        autosave.beat(article, request.user)
        return {
            "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
            "unsaved": session,
            "unsaved_at": session and _when(session.changed_at),
            "unsaved_is_older": session is not None and session.changed_at < article.modified,
            "restoring": _restoring(request),
            "others_editing": autosave.others_editing(article, request.user),
            "heartbeat_seconds": autosave.HEARTBEAT_SECONDS,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            extra_context = {**self._desk_context(request, object_id), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """After a save from a restored form, the address no longer asks to restore."""
        response = super().response_change(request, obj)
        location = response.get("Location", "")
        if _restoring(request) and "autosave=restore" in location:
            url = urlsplit(location)
            query = [(k, v) for k, v in parse_qsl(url.query) if k != "autosave"]
            response["Location"] = urlunsplit(url._replace(query=urlencode(query)))
        return response

    def forget_autosave(self, request, article):
        """The form was saved: its autosave is no longer unsaved work."""
        autosave.forget(article, request.user)
