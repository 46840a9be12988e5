from urllib.parse import urlencode

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django_ckeditor_5.widgets import CKEditor5Widget
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag
from taggit.utils import parse_tags

from core.admin_site import register_panel
from core.admin_widgets import ValidatedImageField, thumbnail

from . import media_library, previews, revisions, workflow
from .models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Correction,
    Image,
    PreviewLink,
    Section,
    TaggedArticle,
)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


USED_IN_SHOWN = 5  # articles named per image in the media library's list
USE_PHRASES = {
    "lead image": "is the lead image of",
    "body": "appears in the body of",
    "lead image and body": "is the lead image of, and appears in the body of,",
}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The media library: search, thumbnails, where each image is used, no deleting an image
    that is in use, and replacing a file in place (its uses follow; see media_library)."""

    list_display = ["thumb", "label", "credit", "dimensions", "used_in", "uploaded_by", "created"]
    list_display_links = ["thumb", "label"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "alt_text", "credit", "file"]
    date_hierarchy = "created"
    readonly_fields = ["preview", "dimensions", "used_in", "uploaded_by", "created"]
    fields = [
        "file",
        "preview",
        "alt_text",
        "caption",
        "credit",
        "dimensions",
        "used_in",
        "uploaded_by",
        "created",
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["form_class"] = ValidatedImageField
            kwargs["help_text"] = (
                "JPEG, PNG, WebP or GIF. Choosing a new file replaces the picture everywhere "
                "this image is used."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Where the page's images are used: one query for the whole page.
        uses = media_library.uses_of(changelist.result_list)
        for image in changelist.result_list:
            image.uses = uses.get(image.pk, [])
        return changelist

    def save_model(self, request, obj, form, change):
        old_name = None
        if not change:
            obj.uploaded_by = request.user
        elif "file" in form.changed_data:
            old_name = Image.objects.filter(pk=obj.pk).values_list("file", flat=True).first()
        super().save_model(request, obj, form, change)
        if old_name and old_name != obj.file.name:
            count = media_library.replace_in_bodies(obj, old_name)
            if count:
                messages.info(
                    request,
                    f"The new picture replaces the old one in the body of {count} "
                    f"article{'s' if count != 1 else ''}.",
                )

    def get_deleted_objects(self, objs, request):
        """An image in use (lead image or inside a body) is protected: the confirmation page
        lists where, and nothing is deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses = media_library.uses_of(objs)
        if uses:
            protected = [
                format_html(
                    '“{}” {} <a href="{}">{}</a>',
                    image,
                    USE_PHRASES[how],
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.title,
                )
                for image in objs
                for article, how in uses.get(image.pk, [])
            ]
            # Nothing is deleted, so the articles' delete permission (superusers only) is
            # not lacking: the page explains the protection instead.
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    @admin.display(description="Image")
    def thumb(self, obj):
        return thumbnail(obj.w320.url if obj.file else "", obj.alt_text, 64)

    @admin.display(description="Preview")
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="admin-preview">', obj.w640.url, obj.alt_text
        )

    @admin.display(description="Caption (or alt text)")
    def label(self, obj):
        return str(obj)

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description="Used in")
    def used_in(self, obj):
        if not obj.pk:
            return "—"
        uses = getattr(obj, "uses", None)
        if uses is None:
            uses = media_library.uses_of([obj]).get(obj.pk, [])
        if not uses:
            return "Not used in any article."
        shown = USED_IN_SHOWN if getattr(obj, "uses", None) is not None else len(uses)
        more = len(uses) - shown
        return format_html(
            '<ul class="used-in">{}{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> <span class="quiet">({})</span></li>',
                (
                    (reverse("admin:articles_article_change", args=[a.pk]), a.title, how)
                    for a, how in uses[:shown]
                ),
            ),
            format_html("<li>and {} more</li>", more) if more > 0 else "",
        )


class BylineFormSet(BaseInlineFormSet):
    """Publishing needs at least one author: checked here because the bylines are not saved
    yet when the article's own form is validated (the rule is workflow.NO_AUTHOR)."""

    def clean(self):
        super().clean()
        if self.instance.status != Article.Status.PUBLISHED:
            return
        authors = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("author")
            and not self._should_delete_form(form)
        ]
        if not authors:
            raise ValidationError(workflow.NO_AUTHOR, code="no_author")


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Authors (in byline order)"


class CorrectionInline(admin.StackedInline):
    """Corrections, clarifications, updates and notes readers see on the article, dated.
    Editors add their own findings here; the feedback app makes them from reader reports."""

    model = Correction
    extra = 0
    fields = ["kind", "position", "published_at", "text"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    verbose_name = "correction or note"
    verbose_name_plural = "Corrections and notes (shown to readers)"

    def has_delete_permission(self, request, obj=None):
        """A published correction is part of the record: only superusers delete one."""
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class RecordsWhoAdded(formset):
            def save_new(self, form, commit=True):
                form.instance.created_by = user
                return super().save_new(form, commit)

        return RecordsWhoAdded


class ArticleAdminForm(forms.ModelForm):
    """The article form. Besides the fields it carries the version the editor loaded (for
    edit conflicts; the admin always renders it, a hand-made POST without it is not
    checked) and checks every workflow rule in workflow.py: who may set which status and
    what publishing needs. ArticleAdmin.get_form gives it the request."""

    request = None

    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    substantive_update = forms.BooleanField(
        required=False,
        label="Substantive update",
        help_text="Tick when this save adds news or changes facts: readers see “Updated” with "
        "the time. Leave it unticked for typos and small fixes.",
    )
    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text='Tags that do not exist yet, separated by commas, e.g. "F-35, Baltic Sea".',
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "section",
            "lead_image",
            "body",
            "tags",
            "status",
            "published_at",
            "content_updated_at",
            "featured",
            "seo_title",
            "seo_description",
            "canonical_url",
            "exclude_from_news",
        ]
        widgets = {
            "body": CKEditor5Widget(config_name="default"),
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            "seo_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"] = forms.ModelMultipleChoiceField(
                queryset=Tag.objects.all(),
                required=False,
                widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
                help_text="Start typing to find existing tags.",
            )
            if self.instance.pk:
                self.initial["tags"] = [t.pk for t in self.instance.tags.all()]
        # The article as stored now. While a revision is being restored, the database row
        # briefly holds the old revision; ArticleAdmin.revision_view keeps the real one.
        stored = getattr(self.request, "article_before_revert", None)
        if stored is None and self.instance.pk:
            stored = self.instance
        self.stored_status = stored.status if stored is not None else None
        if stored is not None and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = stored.version
        if "status" in self.fields and self.request is not None:
            allowed = workflow.allowed_statuses(self.request.user, self.stored_status)
            self.fields["status"].widget.choices = [
                (value, label) for value, label in Article.Status.choices if value in allowed
            ]

    def clean_new_tags(self):
        return parse_tags(self.cleaned_data.get("new_tags", ""))

    def clean(self):
        cleaned = super().clean()
        user = self.request.user
        self.stored = None
        if self.instance.pk:
            self.stored = getattr(self.request, "article_before_revert", None)
            if self.stored is None:
                self.stored = workflow.lock_stored(self.instance.pk)
            if self.stored is None:
                raise ValidationError(
                    "This article was deleted while you were editing it; it cannot be saved.",
                    code="deleted",
                )
            loaded = cleaned.get("loaded_version")
            if loaded is not None and loaded != self.stored.version:
                # Keep every word the editor typed; a second, deliberate save goes through.
                self.data = self.data.copy()
                self.data["loaded_version"] = str(self.stored.version)
                raise ValidationError(
                    workflow.conflict_message(self.instance.pk), code="edit_conflict"
                )
        status = cleaned.get("status")
        if status:
            refusal = workflow.move_refusal(
                user, self.stored.status if self.stored else None, status
            )
            if refusal:
                self.add_error("status", refusal)
        if status == Article.Status.PUBLISHED:
            missing = workflow.missing_for_publication(
                title=cleaned.get("title", self.instance.title),
                body=cleaned.get("body", self.instance.body),
                section=cleaned.get("section"),
                lead_image=cleaned.get("lead_image"),
            )
            if missing:
                self.add_error(None, workflow.publication_error(missing))
        return cleaned


# Revisions: every save through the admin (and every bulk action) keeps the article with its
# bylines and tags, followed so that restoring a revision brings them back too. Corrections
# are deliberately not followed: restoring an old revision must never delete a published
# correction. The search vector is generated by the database.
#
# Deleting an article keeps one last revision of it together with its corrections and old
# addresses (articles.signals.keep_last_revision), so "Recover deleted articles" brings
# them back too; they are registered for that.
reversion.register(ArticleAuthor)
reversion.register(TaggedArticle)
reversion.register(Correction)
reversion.register(ArticleRedirect)
reversion.register(Article, follow=("bylines", "tagged_items"), exclude=("search_vector",))


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "thumb",
        "title",
        "status_label",
        "section",
        "byline",
        "published_at",
        "featured",
    ]
    list_display_links = ["thumb", "title"]
    list_filter = ["status", "section", "featured", ("published_at", admin.DateFieldListFilter)]
    list_select_related = ["section", "lead_image"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_image", "section"]
    readonly_fields = [
        "lead_image_preview",
        "content_updated_at",
        "created_by",
        "version",
        "created",
        "modified",
    ]
    inlines = [BylineInline, CorrectionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "section"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_preview"]}),
        ("Body", {"fields": ["body"]}),
        ("Tags", {"fields": ["tags", "new_tags"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "substantive_update",
                    "content_updated_at",
                    "featured",
                ]
            },
        ),
        (
            "Search engines and sharing",
            {
                "fields": ["seo_title", "seo_description", "canonical_url", "exclude_from_news"],
                "classes": ["collapse"],
            },
        ),
        (
            "Record",
            {"fields": ["created_by", "created", "modified", "version"], "classes": ["collapse"]},
        ),
    ]

    actions = ["publish_selected", "unpublish_selected", "archive_selected"]
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"
    history_latest_first = True
    # Form-only fields: not on the model, so left out of read-only views.
    FORM_ONLY = ("loaded_version", "substantive_update", "new_tags")
    CONTRIBUTOR_READONLY = ("published_at", "featured")

    # --- Permissions: the rules are in workflow.py ---------------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        """Editors archive; only superusers delete (and a deleted article can be
        recovered with its corrections and redirects)."""
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.is_editor(request.user):
            fields += [f for f in self.CONTRIBUTOR_READONLY if f not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        """Hide form-only fields from read-only views; offer "substantive update" only for
        live articles; carry the loaded version (hidden) in every editable form."""
        editable = obj is None or self.has_change_permission(request, obj)
        live = obj is not None and obj.is_published
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [
                f
                for f in options["fields"]
                if (editable or f not in self.FORM_ONLY)
                and (f != "substantive_update" or (live and editable))
            ]
            if editable and not fieldsets:
                fields.append("loaded_version")
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request  # a new class on every call, so this is per request
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if form.cleaned_data.get("substantive_update"):
            obj.content_updated_at = timezone.now()
        stored = getattr(form, "stored", None)
        before = None
        if stored is not None:
            obj.version = stored.version + 1
            before = workflow.address_of(stored)
        super().save_model(request, obj, form, change)
        if before is not None:
            workflow.keep_old_address(obj, before)

    # --- Bulk actions --------------------------------------------------------------------

    def _move_selected(self, request, queryset, status):
        articles = (
            queryset.select_for_update(of=("self",))
            .select_related("section", "lead_image")
            .prefetch_related("bylines")
            .order_by("pk")
        )
        with transaction.atomic():
            for article in articles:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    outcome = workflow.move(article, request.user, status)
                    if outcome.done:
                        self.log_change(request, article, outcome.message)
                messages.add_message(
                    request, messages.SUCCESS if outcome.done else messages.WARNING, outcome.message
                )

    @admin.action(
        description="Publish selected articles (scheduled if their time is in the future)",
        permissions=["publish"],
    )
    def publish_selected(self, request, queryset):
        self._move_selected(request, queryset, Article.Status.PUBLISHED)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        self._move_selected(request, queryset, Article.Status.DRAFT)

    @admin.action(description="Archive selected articles", permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._move_selected(request, queryset, Article.Status.ARCHIVED)

    # --- Revisions (django-reversion) ----------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a revision. Only someone who may edit the article as it is now may do it,
        and the edit-conflict check and redirects compare with the article as it is now, not
        with the old revision reversion writes into the row while the form is shown."""
        with transaction.atomic():
            current = workflow.lock_stored(unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
            request.article_before_revert = current
            return super().revision_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        context = {"can_recover": workflow.is_editor(request.user), **(extra_context or {})}
        return super().changelist_view(request, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """Every revision with who and when, a link to restore it, and (?compare=<version>)
        what changed in headline, standfirst and body between it and the article now."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        versions = list(
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        context = {
            "versions": versions,
            "comparison": None,
            "compared": None,
            "can_restore": self.has_change_permission(request, article),
        }
        compare = request.GET.get("compare", "")
        compared = next((v for v in versions if str(v.pk) == compare), None)
        if compared is not None:
            context["compared"] = compared
            context["comparison"] = revisions.compare(compared.field_dict, article)
        context.update(extra_context or {})
        return super().history_view(request, object_id, context)

    # --- Share-preview links -------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name="articles_article_preview_links",
            ),
            *super().get_urls(),
        ]

    def preview_links_view(self, request, object_id):
        """Create and revoke share-preview links for one article (see previews.py)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        user = request.user
        if not user.has_perm("articles.view_previewlink"):
            raise PermissionDenied
        can_create = user.has_perm("articles.add_previewlink")
        can_revoke = user.has_perm("articles.change_previewlink")
        if request.method == "POST":
            if "create" in request.POST:
                if not can_create:
                    raise PermissionDenied
                link = previews.create(article, user)
                expires = timezone.localtime(link.expires_at)
                messages.success(
                    request,
                    f"New preview link made; it works until {expires:%d %b %Y %H:%M}.",
                )
            elif "revoke" in request.POST:
                if not can_revoke:
                    raise PermissionDenied
                link = article.preview_links.filter(pk=request.POST.get("revoke") or 0).first()
                if link is not None:
                    previews.revoke(link)
                    messages.success(request, "Preview link revoked: it no longer opens.")
            return redirect(request.path)
        now = timezone.now()
        links = [
            (link, previews.state(link, now), request.build_absolute_uri(previews.path_for(link)))
            for link in article.preview_links.select_related("created_by")
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": "Share a preview",
            "links": links,
            "days": settings.PREVIEW_LINK_DAYS,
            "can_create": can_create,
            "can_revoke": can_revoke,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/preview_links.html", context)

    def get_queryset(self, request):
        articles = (
            super()
            .get_queryset(request)
            .prefetch_related(
                models.Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )
        return workflow.visible_articles(request.user, articles)

    def get_search_results(self, request, queryset, search_term):
        """The same full-text search as the site (web-search syntax, stemming, tag and
        author names), over every status. The list keeps its own ordering, so nothing is
        ranked."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term, ranked=False), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("new_tags"):
            form.instance.tags.add(*form.cleaned_data["new_tags"])

    @admin.display(description="Image")
    def thumb(self, obj):
        if not obj.lead_image_id:
            return "—"
        return thumbnail(obj.lead_image.w320.url, obj.lead_image.alt_text, 48)

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            local = timezone.localtime(obj.published_at)
            return format_html("Scheduled<br><small>{}</small>", local.strftime("%d %b %Y %H:%M"))
        return obj.get_status_display()

    @admin.display(description="Authors")
    def byline(self, obj):
        return ", ".join(a.name for a in obj.byline_authors) or "—"

    @admin.display(description="Preview")
    def lead_image_preview(self, obj):
        if not obj.lead_image_id:
            return "Choose or upload a lead image above; it shows here after saving."
        image = obj.lead_image
        parts = format_html_join(
            "", "<div>{}</div>", [(image.caption,), (f"Credit: {image.credit}",)]
        )
        return format_html(
            '<img src="{}" alt="{}" class="admin-preview">{}', image.w640.url, image.alt_text, parts
        )


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Every share-preview link, to see what is out there and revoke in bulk. Links are made
    from an article's "Share preview" page."""

    list_display = ["article", "state", "expires_at", "created_by", "created"]
    list_select_related = ["article", "created_by"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["article__title"]
    fields = ["article", "state", "expires_at", "revoked_at", "created_by", "created"]
    readonly_fields = ["article", "state", "created_by", "created"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="State")
    def state(self, obj):
        return previews.state(obj)

    @admin.action(description="Revoke selected preview links", permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"Revoked {count} preview link{'s' if count != 1 else ''}.")


class ArticleRedirectForm(forms.ModelForm):
    class Meta:
        model = ArticleRedirect
        fields = ["old_path", "article"]

    def clean_old_path(self):
        old_path = self.cleaned_data["old_path"].strip()
        if not old_path.startswith("/"):
            raise ValidationError("Give the path only, starting with “/”, e.g. /2019/05/04/slug/.")
        return old_path

    def clean(self):
        cleaned = super().clean()
        article, old_path = cleaned.get("article"), cleaned.get("old_path")
        if article and old_path and article.get_absolute_url() == old_path:
            raise ValidationError("This is the article's current address; it cannot redirect.")
        return cleaned


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    """Old addresses that answer with a permanent redirect to an article. Made automatically
    when a published article's slug or date changes, and by imports."""

    form = ArticleRedirectForm
    list_display = ["old_path", "article", "created"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__title"]
    autocomplete_fields = ["article"]


# --- Dashboard panels (defenceblog/admin_site.py): one or two queries each --------------

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
