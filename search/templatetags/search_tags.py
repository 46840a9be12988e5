"""`{% search_result article %}`: one search result, written in Python (search.items)."""

from django import template
from django.utils.safestring import mark_safe

from search.items import result_html

register = template.Library()


@register.simple_tag
def search_result(article):
    return mark_safe(result_html(article))  # noqa: S308 (every value is escaped by result_html)
