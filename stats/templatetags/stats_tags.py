from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from stats import most_read

register = template.Library()


@register.inclusion_tag("stats/most_read.html")
def most_read_list(exclude_url=""):
    """The "Most read" list from the cache: no database query."""
    entries = [e for e in most_read.cached() if e["url"] != exclude_url][:4]
    return {"entries": entries}


@register.simple_tag
def beacon_script():
    """The audience beacon: a same-origin static file (no inline script)."""
    return format_html('<script src="{}" defer></script>', static("stats/beacon.js"))
