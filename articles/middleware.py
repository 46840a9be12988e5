from django.http import HttpResponsePermanentRedirect

from .models import Article, ArticleRedirect


class ArticleRedirectFallbackMiddleware:
    """When a page is not found, look the path up among articles' old addresses (changed
    slugs or dates, imported WordPress permalinks) and answer with a permanent redirect to
    the article's current address. Costs one query, and only on a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        redirect = (
            ArticleRedirect.objects.filter(
                old_path=request.path, article__in=Article.objects.published()
            )
            .select_related("article")
            .only("article__slug", "article__published_at")
            .first()
        )
        if redirect is None:
            return response
        return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
