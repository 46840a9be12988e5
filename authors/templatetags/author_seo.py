"""Structured data for the author page."""

from django import template
from django.urls import reverse

from core import structured_data as sd
from core.links import absolute_url
from core.templatetags.seo import json_ld

from ..structured_data import profile_page

register = template.Library()


@register.simple_tag(takes_context=True)
def author_json_ld(context, author):
    """ProfilePage with the author as a Person, the publisher they work for, breadcrumbs."""
    return json_ld(
        context,
        sd.graph(
            profile_page(author),
            sd.publisher(context),
            sd.breadcrumbs(
                ("Authors", reverse("authors:list")), (author.name, author.get_absolute_url())
            ),
        ),
    )


@register.filter
def absolute(url):
    """An absolute URL for a path on this site; media already on a CDN or bucket (an
    absolute MEDIA_URL) passes through unchanged."""
    return absolute_url(url)
