"""The latest headlines, for pages that have no listing of their own: the 404 and 500 pages.
The 500 page renders without a request or context processors, so the tag reads the
database itself and, if the database is what failed, shows nothing rather than failing
again."""

import logging

from django import template
from django.db import DatabaseError

from ..models import Article

register = template.Library()
logger = logging.getLogger(__name__)


@register.inclusion_tag("includes/latest_headlines.html")
def latest_headlines(count=6):
    """The `count` newest published headlines (Article's default order): one query on the
    published-date index,
    reading `count` rows whatever the size of the archive."""
    try:
        articles = list(Article.objects.published().only("title", "slug", "published_at")[:count])
    except DatabaseError:
        logger.warning("latest headlines left off an error page: the database failed")
        articles = []
    return {"headline_articles": articles}
