from django.utils.decorators import method_decorator
from django.views.generic import ListView

from core.caching import public_page
from core.fragments import chrome
from core.pagecache import shows
from core.pagination import KeysetListMixin
from core.statements import light_filter, light_get_or_404

from .models import Author, AuthorLink


@method_decorator(public_page, name="dispatch")
class AuthorList(ListView):
    template_name = "authors/author_list.html"
    context_object_name = "authors"
    paginate_by = 60

    def get_queryset(self):
        return Author.objects.active().with_published_work()


@method_decorator(public_page, name="dispatch")
class AuthorDetail(KeysetListMixin, ListView):
    """The profile, then the author's published articles, newest first, paged by key."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = light_get_or_404(Author, slug=self.kwargs["slug"])
        # What the page shows beside the row (template, structured data): one statement.
        self.author.profile_links = light_filter(AuthorLink, author_id=self.author.pk)
        shows(self.request, f"author:{self.author.pk}")
        # The related manager's model is Article: its listing() reads published() articles,
        # the single definition of "published", without this app importing articles.
        return self.author.articles.model.objects.listing(
            ("author",),
            lambda articles, now, author_id: articles.listed_through(
                "bylines", now, author_id=author_id
            ),
            key_field="listed_at",
            values=(self.author.pk,),
        )

    def get_context_data(self, **kwargs):
        # The header and footer are kept across requests (core.fragments.chrome).
        fragments = chrome(self.request)
        return super().get_context_data(author=self.author, fragments=fragments, **kwargs)
