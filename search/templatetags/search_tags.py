"""`{% search_result article %}`: one search result, written in Python (search.items);
`{% filter_options field %}`: the options of the section or author filter
(SearchForm.options_html)."""

from django import template
from django.utils.safestring import mark_safe

from search.items import result_html

register = template.Library()


@register.simple_tag
def search_result(article):
    return mark_safe(result_html(article))  # noqa: S308 (every value is escaped by result_html)


@register.simple_tag
def filter_options(field):
    return mark_safe(field.form.options_html(field.name))  # noqa: S308 (escaped)
