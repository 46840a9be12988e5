"""Load the whole demo site in one transaction: the newsroom, then the support page and
the site's own pages, then the newsletter. Safe to run again: nothing is duplicated and
editors' changes to demo rows are kept."""

from django.db import transaction

from .audience import load_audience
from .giving import load_giving
from .live_blog import load_live_blog
from .newsletter import load_newsletter
from .newsroom import load_newsroom
from .planning import load_planning
from .support_pages import load_support_pages
from .tips import load_tips


def load_demo(stdout=None):
    """Return what was created: the newsroom's counts (sections, authors, articles,
    images), the live blog's updates, the support app's (options, pages) and the
    newsletter's (editions, subscribers)."""
    with transaction.atomic():
        newsroom = load_newsroom()
        live = load_live_blog()
        support = load_support_pages(stdout=stdout)
        newsletter = load_newsletter()
        planning = load_planning()
        load_giving()  # its own test counts it (tests/giving/test_demo.py)
        tips = load_tips(stdout=stdout)
        audience = load_audience()
    return {**newsroom, **live, **support, **newsletter, **planning, **tips, **audience}
