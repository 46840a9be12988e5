"""Times on reader pages, in the newsroom's zone (settings.TIME_ZONE). A built-in library
(settings.TEMPLATES "builtins"): no `{% load %}` needed.

- `{{ moment|iso }}`: a machine-readable time for `<time datetime>`, in whole seconds with
  its offset ("2026-12-07T14:05:09+00:00"). HTML allows at most three digits of a second;
  Django's `date:'c'` writes six when the value has microseconds, which the W3C checker
  rejects.
- `{% day_or_time moment %}` (listings) and `{% relative_time moment %}` ("Updated", live
  blogs): a `<time>` with the exact moment in `datetime` and `title`, whose text is always
  true however long a cached page is kept: the date, or the given exact form.
  static/js/times.js, on the reader's side, turns it into the time of day for today's
  stories ("14:05") or into "2 min ago", and keeps it current while the page is open.
"""

from datetime import datetime
from html import escape

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

register = template.Library()

EXACT = "j F Y, H:i T"  # "7 December 2026, 14:05 GMT": titles and datelines


@register.filter
def iso(value):
    if not isinstance(value, datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


def _exact(local):
    """date(local, EXACT) without the template filter machinery (listings write forty)."""
    return f"{_day(local)}, {local:%H:%M} {local.tzname() or ''}".rstrip()


def _day(local):
    """date(local, "j F Y")."""
    return f"{local.day} {MONTHS[local.month]} {local.year}"


FAST = {EXACT: _exact, "j F Y": _day}


def _time(value, text, kind):
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    fast = local.tzinfo is not None  # a naive time's zone name is the default zone's
    title = _exact(local) if fast else date(local, EXACT)
    if fast and text in FAST:  # the title starts with the day: not worked out twice
        shown = title if text == EXACT else title.split(",", 1)[0]
    else:
        shown = date(local, text)
    moment = local.replace(microsecond=0).isoformat()
    return mark_safe(  # noqa: S308 (each part is escaped)
        f'<time datetime="{moment}" title="{escape(title)}" data-{kind}>{escape(shown)}</time>'
    )


@register.simple_tag
def day_or_time(value):
    """The date ("7 December 2026"); times.js says "14:05" instead on the same day."""
    return _time(value, "j F Y", "day")


@register.simple_tag
def relative_time(value, text=EXACT):
    """The moment in the format `text`; times.js says "just now", "2 min ago" or "3 h ago"
    instead within a day."""
    return _time(value, text, "relative")
