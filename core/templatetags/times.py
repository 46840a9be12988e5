"""`{{ moment|iso }}`: a machine-readable time for `<time datetime>`, in whole seconds with
its offset ("2026-12-07T14:05:09+00:00"). HTML allows at most three digits of a second;
Django's `date:'c'` writes six when the value has microseconds, which the W3C checker
rejects. A built-in library (settings.TEMPLATES "builtins"): no `{% load %}` needed."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value):
    if not isinstance(value, datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
