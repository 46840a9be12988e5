"""The "Pictures in the body" panel of the article form: each media-library picture the body
shows, with its thumbnail, the alt text and caption typed for it in the editor, and its
credit, which whoever may change the image (Image.editable_by) types right there.

The panel is a form field (PictureCreditsField) whose pictures the form finds in the body
it shows (the stored one, or the one just posted). Pictures uploaded in the editor before a
save are added by static/admin-extra/body-pictures.js, which posts the editor's text to
`pictures_view` and shows the panel it answers. Saving stores the credits on the library's
images before the article is saved (so its figures take them) and then rewrites the other
bodies that show them (media.media_library.recredit).
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from core.admin_widgets import thumbnail
from media import media_library
from media.figures import body_pictures, recredit_body
from media.models import Image

PREFIX = "picture_credit_"
CREDIT_MAX = Image._meta.get_field("credit").max_length
_NOT_PLAIN = re.compile(r"[<>\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Picture:
    image: Image
    alt: str
    caption: str
    editable: bool

    @property
    def name(self):
        return f"{PREFIX}{self.image.pk}"


def pictures_of(body, user):
    """The pictures `body` shows, as the panel lists them for `user`."""
    return [
        Picture(image, alt or image.alt_text, caption or image.caption, image.editable_by(user))
        for image, alt, caption in body_pictures(body)
    ]


def _plain(text):
    return " ".join((text or "").split())


class PictureCreditsWidget(forms.Widget):
    template_name = "admin/articles/article/includes/body_pictures.html"
    pictures = ()

    def _render(self, template_name, context, renderer=None):
        # With the admin's templates (the form renderer reads only the apps' folders).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template

    def id_for_label(self, id_):
        return ""  # one credit box per picture, each with its own label

    def value_from_datadict(self, data, files, name):
        return {
            key[len(PREFIX) :]: data.get(key)
            for key in data
            if key.startswith(PREFIX) and key[len(PREFIX) :].isdigit()
        }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        typed = value if isinstance(value, dict) else {}
        context["widget"]["rows"] = [
            {
                "picture": picture,
                "thumb": thumbnail(picture.image.src(320), picture.alt, 96),
                "credit": typed.get(str(picture.image.pk), picture.image.credit),
            }
            for picture in self.pictures
        ]
        context["widget"]["pictures_url"] = reverse("admin:articles_article_pictures")
        context["widget"]["credit_max"] = CREDIT_MAX
        return context


class PictureCreditsField(forms.Field):
    """{image: credit} for the credits changed in the panel, checked: plain text of at most
    the credit field's length. Pictures the user may not change are left alone whatever a
    request says."""

    widget = PictureCreditsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Pictures in the body")
        kwargs.setdefault(
            "help_text",
            "The credit shows after the caption wherever the picture appears, on this "
            'article and on every other one that shows it, e.g. "Supplied: BSTU". Alt text '
            "and caption are typed in the editor (image toolbar, “Toggle caption”).",
        )
        super().__init__(**kwargs)
        self.pictures = []

    @property
    def pictures(self):
        return self._pictures

    @pictures.setter
    def pictures(self, pictures):
        self._pictures = list(pictures)
        self.widget.pictures = self._pictures

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        field.pictures = self._pictures
        return field

    def _typed(self, value):
        """[(picture, typed credit)] for the pictures the user may change and sent."""
        value = value or {}
        return [
            (picture, _plain(value[key]))
            for picture in self.pictures
            if picture.editable and (key := str(picture.image.pk)) in value
        ]

    def clean(self, value):
        errors, credits = [], {}
        for picture, credit in self._typed(value):
            label = picture.caption or picture.alt or picture.image.file.name.rsplit("/", 1)[-1]
            if len(credit) > CREDIT_MAX:
                errors.append(
                    ValidationError(
                        "The credit of “%(picture)s” is %(length)d characters long: at most "
                        "%(max)d fit. Shorten it and save again; your text is kept.",
                        code="credit_too_long",
                        params={"picture": label, "length": len(credit), "max": CREDIT_MAX},
                    )
                )
            elif _NOT_PLAIN.search(credit):
                errors.append(
                    ValidationError(
                        "The credit of “%(picture)s” must be plain text: remove “<” and “>” "
                        "(the site adds the brackets around it). Your text is kept.",
                        code="credit_not_plain",
                        params={"picture": label},
                    )
                )
            elif credit != picture.image.credit:
                credits[picture.image] = credit
        if errors:
            raise ValidationError(errors)
        return credits

    def has_changed(self, initial, data):
        return any(credit != picture.image.credit for picture, credit in self._typed(data))


def store_credits(article, credits):
    """Before `article` is saved: give the library's images the credits typed in the panel,
    and the article's figures that show them their new credit."""
    for image, credit in credits.items():
        Image.objects.filter(pk=image.pk).update(credit=credit)
        image.credit = credit
        article.body = recredit_body(article.body, image)


def recredit_elsewhere(credits):
    """After the article is saved: the other bodies that show the recredited images.
    Returns how many rows changed."""
    return sum(media_library.recredit(image) for image in credits)


def pictures_view(model_admin, request):
    """The panel for the body the editor holds now (POST `body`): how the form's script
    lists pictures uploaded or inserted since the page was loaded. Never cached."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    field = PictureCreditsField()
    field.pictures = pictures_of(request.POST.get("body", ""), request.user)
    response = HttpResponse(
        field.widget.render("picture_credits", None, {"id": "id_picture_credits"})
    )
    add_never_cache_headers(response)
    return response
