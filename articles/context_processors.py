from articles.models import Section


def navigation(request):
    """The section list for the navigation: a lazy queryset, so one query, and only on pages
    whose template shows the navigation."""
    return {"nav_sections": Section.objects.all()}
