from django.conf import settings

from articles.models import Section


def site(request):
    """Site-wide values every template may use. The section list is a lazy queryset: one
    query, and only on pages whose template shows the navigation."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "nav_sections": Section.objects.all(),
    }
