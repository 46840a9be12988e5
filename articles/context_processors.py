from articles.models import Section


def navigation(request):
    """The sections with something published, for the navigation: a lazy queryset, so one
    query, and only on pages whose template shows the navigation."""
    return {"nav_sections": Section.objects.in_navigation()}
