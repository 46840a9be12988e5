from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from stats import most_read, reports

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


@register.inclusion_tag("admin/stats/panel.html", takes_context=True)
def audience_panel(context, article):
    """The article's audience on its admin page, for those who may see it."""
    request = context["request"]
    if not request.user.has_perm("stats.view_audience"):
        return {"show": False}
    report = reports.article_report(article)
    return {
        "show": True,
        "article": article,
        "report": report,
        "chart": reports.chart(report["series"], width=560, height=100),
    }
