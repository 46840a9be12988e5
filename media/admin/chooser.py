"""The image chooser: how an editor picks an article's lead image.

The article form's lead-image field (`ImageChooserWidget`) shows the chosen picture with its
caption, credit and alt text, and a button that opens the chooser in a dialog: thumbnails of
the media library, newest first, searched by words in the caption, credit, alt text or tags
and by upload date, and a form to upload a new picture there and then. The dialog's content
comes from two admin views (`chooser_view`, `chooser_upload_view`, routed by ImageAdmin) and
is driven by static/admin-extra/image-chooser.js (no inline script: the admin's CSP).

Each chooser page is one query for its images (PER_PAGE + 1 rows through the primary-key
index, "older images" carrying the last id) and one for their tags: no COUNT, whatever the
size of the library.
"""

import datetime
import json

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminTextInputWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from taggit.forms import TagField

from core.admin_widgets import ValidatedImageField

from ..models import Image, TaggedImage

PER_PAGE = 24
MAX_WORDS = 8
THUMB_WIDTH = 320


# --- Searching ---------------------------------------------------------------------------


class ChooserSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        help_text="Words in the caption, credit, alt text or tags.",
    )
    since = forms.DateField(
        required=False, label="Uploaded from", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned


def search(images, query="", since=None, until=None):
    """Images matching every word of `query` (each in the caption, credit, alt text or a
    tag's name, case-insensitive) uploaded between `since` and `until` (dates, inclusive)."""
    for word in query.split()[:MAX_WORDS]:
        tagged = TaggedImage.objects.filter(
            content_object=OuterRef("pk"), tag__name__icontains=word
        )
        images = images.filter(
            Q(caption__icontains=word)
            | Q(credit__icontains=word)
            | Q(alt_text__icontains=word)
            | Exists(tagged)
        )
    if since:
        images = images.filter(created__gte=_midnight(since))
    if until:
        images = images.filter(created__lt=_midnight(until + datetime.timedelta(days=1)))
    return images


def _midnight(day):
    """The start of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def chooser_page(params):
    """(search form, images on the page, id for the "older images" link or None)."""
    form = ChooserSearchForm(params)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    images = search(
        Image.objects.all(), data.get("q", ""), data.get("since"), data.get("until")
    ).order_by("-pk")
    if data.get("before"):
        images = images.filter(pk__lt=data["before"])
    rows = list(
        images.only(
            "pk",
            "file",
            "width",
            "height",
            "alt_text",
            "caption",
            "credit",
            "rendition_names",
            "created",
        ).prefetch_related("tags")[: PER_PAGE + 1]
    )
    older = rows[PER_PAGE - 1].pk if len(rows) > PER_PAGE else None
    return form, rows[:PER_PAGE], older


def choice(image):
    """What the article form shows of a chosen image (also the chooser's JSON answer)."""
    return {
        "id": image.pk,
        "thumb": image.src(THUMB_WIDTH) if image.file else "",
        "preview": image.src(640) if image.file else "",
        "width": image.width,
        "height": image.height,
        "caption": image.caption,
        "credit": image.credit,
        "alt": image.alt_text,
        "label": str(image),
        "edit_url": reverse("admin:media_image_change", args=[image.pk]),
    }


# --- Uploading from the chooser ----------------------------------------------------------


class ChooserUploadForm(forms.ModelForm):
    """A new picture, uploaded from the chooser to become a lead image: besides the media
    library's checks (type, bytes, pixels, a picture that decodes), big enough for a lead
    image, and described (alt text) so it can be published."""

    file = ValidatedImageField(
        label="Picture",
        help_text=(
            f"JPEG, PNG, WebP or GIF, at least {settings.LEAD_IMAGE_MIN_WIDTH} × "
            f"{settings.LEAD_IMAGE_MIN_HEIGHT} pixels."
        ),
    )
    tags = TagField(
        required=False,
        widget=AdminTextInputWidget,
        help_text=Image._meta.get_field("tags").help_text,
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "tags"]
        widgets = {
            "alt_text": AdminTextInputWidget,
            "caption": AdminTextInputWidget,
            "credit": AdminTextInputWidget,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].required = True
        self.fields[
            "alt_text"
        ].help_text = "What the picture shows, for readers who cannot see it (needed to publish)."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        width, height = upload.image.size  # set by ImageField.to_python
        min_width, min_height = settings.LEAD_IMAGE_MIN_WIDTH, settings.LEAD_IMAGE_MIN_HEIGHT
        if width < min_width or height < min_height:
            raise ValidationError(
                "This picture is %(w)s × %(h)s pixels; a lead image must be at least "
                "%(min_w)s × %(min_h)s, so it stays sharp on wide screens and in shared links.",
                code="too_small",
                params={"w": width, "h": height, "min_w": min_width, "min_h": min_height},
            )
        return upload


def _render_upload(request, form, status):
    html = render_to_string(
        "admin/media/image/chooser_upload.html", {"upload_form": form}, request=request
    )
    return JsonResponse({"form": html}, status=status)


def chooser_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form, images, older = chooser_page(request.GET)
    for image in images:
        image.chooser_thumb = image.src(THUMB_WIDTH)
        image.chooser_json = json.dumps(choice(image))
    params = request.GET.copy()
    params.pop("before", None)
    context = {
        "form": form,
        "images": images,
        "older": older,
        "before": form.cleaned_data.get("before") if hasattr(form, "cleaned_data") else None,
        "query": params.urlencode(),
        "searched": any(params.get(k) for k in ("q", "since", "until")),
        "upload_form": ChooserUploadForm() if model_admin.has_add_permission(request) else None,
        "thumb_width": THUMB_WIDTH,
    }
    return TemplateResponse(request, "admin/media/image/chooser.html", context)


def chooser_upload_view(model_admin, request):
    """POST: store the picture in the media library and answer with it as a choice (201),
    or 400 with the upload form and its errors."""
    if request.method != "POST":
        return JsonResponse({"error": "Send the picture with POST."}, status=405)
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ChooserUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_upload(request, form, 400)
    image = form.save(commit=False)
    image.uploaded_by = request.user
    image.save()
    form.save_m2m()
    model_admin.log_addition(request, image, [{"added": {}}])
    return JsonResponse({"image": choice(image)}, status=201)


# --- The article form's field ----------------------------------------------------------


class ImageChooserWidget(forms.Widget):
    """A hidden input holding the image's id, the chosen picture shown with its caption,
    credit and alt text, and the buttons that open the chooser and remove the choice."""

    template_name = "media/widgets/image_chooser.html"

    class Media:
        js = ["admin-extra/image-chooser.js"]

    def id_for_label(self, id_):
        """The field's label names the button that opens the chooser."""
        return f"{id_}_open" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        image = None
        if value not in (None, ""):
            try:
                image = Image.objects.filter(pk=int(value)).first()
            except (TypeError, ValueError):
                image = None
        context["widget"].update(
            {
                "chosen": choice(image) if image else None,
                "chooser_url": reverse("admin:media_image_chooser"),
                "upload_url": reverse("admin:media_image_chooser_upload"),
            }
        )
        return context
