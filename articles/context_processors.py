from django.utils.functional import SimpleLazyObject

from core.fragments import remember
from core.pagecache import shows

from .models import Section


def navigation_sections():
    """The sections with something published, in navigation order: one query, then kept in
    process memory until the content changes (core.fragments.remember)."""
    return remember("nav_sections", lambda: list(Section.objects.in_navigation()), tags=["nav"])


def navigation(request):
    """The navigation's sections, read only on pages whose template shows them: every
    page carries `nav` (core.pagecache.shows)."""
    shows(request, "nav", everywhere=True)
    return {"nav_sections": SimpleLazyObject(navigation_sections)}
