from django.utils.functional import SimpleLazyObject

from core.fragments import remember

from .models import Section


def navigation_sections():
    """The sections with something published, in navigation order: one query, then kept in
    process memory until the content changes (core.fragments.remember)."""
    return remember("nav_sections", lambda: list(Section.objects.in_navigation()))


def navigation(request):
    """The navigation's sections, read only on pages whose template shows them."""
    return {"nav_sections": SimpleLazyObject(navigation_sections)}
