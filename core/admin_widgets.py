from django import forms
from django.utils.html import format_html

from .validators import validate_image_file


def thumbnail(url, alt="", size=64):
    if not url:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-thumb">', url, alt, size, size
    )


class ValidatedImageField(forms.ImageField):
    """An admin image field that explains exactly why an upload is refused."""

    def to_python(self, data):
        if data is not None and hasattr(data, "size"):
            validate_image_file(data)
        return super().to_python(data)
