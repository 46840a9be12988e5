"""The admin header's "Assigned to me" link with its count (templates/admin/base_site.html)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..assigned import assigned_count, count_label

register = template.Library()


def assigned_url(user):
    changelist = reverse("admin:feedback_errorreport_changelist")
    return f"{changelist}?assignee__id__exact={user.pk}&open=yes"


@register.simple_tag(takes_context=True)
def assigned_to_me_link(context):
    """For staff who handle reports: a link to the open reports assigned to them, with how
    many (from the cache: no query on most admin pages)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("feedback.view_errorreport"):
        return ""
    count = assigned_count(user)
    return format_html(
        '<a href="{}" class="assigned-link">Assigned to me <span class="assigned-count">{}'
        '<span class="visually-hidden"> open report{}</span></span></a> / ',
        assigned_url(user),
        count_label(count),
        "" if count == 1 else "s",
    )
