"""The live blog panel on the article's admin page (templates/admin/articles/article/
change_form.html): coverage buttons, the compact posting form and the latest updates."""

from django import template

from .. import rules
from ..forms import LiveUpdateForm
from ..models import LiveBlog

register = template.Library()

PANEL_UPDATES = 10


@register.inclusion_tag("admin/liveblog/panel.html", takes_context=True)
def live_blog_panel(context, article, form=None):
    request = context["request"]
    user = request.user
    blog = LiveBlog.objects.filter(pk=article.pk).first() if article and article.pk else None
    updates = []
    if blog is not None:
        updates = list(blog.updates.select_related("created_by", "author")[:PANEL_UPDATES])
        for update in updates:
            update.editable = rules.can_change_update(user, update)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "article": article,
        "blog": blog,
        "updates": updates,
        "form": form or LiveUpdateForm(prefix="live"),
        "can_post": blog is not None and rules.can_post(user, article),
        "can_manage": rules.can_manage_coverage(user),
    }
