"""The readers' search page, /search/."""

from django.views.generic import ListView

from articles.models import Article
from articles.views import LISTING_PAGE_SIZE, ReaderPageMixin
from core.pagecache import shows

from .forms import SearchForm
from .results import EstimatedPaginator, Search
from .spelling import correct
from .suggestions import suggest_titles

# A search with at most this many results is checked for typos: a corrected search with
# CORRECTION_GAIN times as many results (any, when there were none) is shown instead.
FEW_RESULTS = 3
CORRECTION_GAIN = 5


class SearchResults(ReaderPageMixin, ListView):
    """/search/?q=: published articles ranked by full-text match, with highlighted
    snippets and thumbnails, filters for section, author and dates, spelling corrections
    when few or none match ("Showing results for …") and title suggestions when nothing
    matches. Never indexed by search engines."""

    template_name = "search/results.html"
    context_object_name = "results"
    paginate_by = LISTING_PAGE_SIZE

    def get_queryset(self):
        shows(self.request, "search")
        self.form = SearchForm(self.request.GET)
        self.form.is_valid()  # invalid filters are shown on the form and left out
        self.query = self.form.cleaned_data.get("q", "")
        self.search = self.correction = None
        if not self.query:
            return Article.objects.none()
        self.search = Search(self.query, self.form.filters())
        few = not self.search.broad and self.search.count <= FEW_RESULTS
        if few and not self.form.cleaned_data.get("as_typed"):
            self.try_correction()
        return self.search.pages(self.paginate_by)

    def try_correction(self):
        """Few or no results: search for the words the reader probably meant instead,
        when that finds clearly more ("Showing results for …")."""
        correction = correct(self.query)
        if correction is None:
            return
        corrected = Search(correction.text, self.search.filters)
        if corrected.count and corrected.count >= self.search.count * CORRECTION_GAIN:
            self.search, self.correction = corrected, correction

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.search and self.search.broad:  # no COUNT over thousands of rows
            return EstimatedPaginator(queryset, per_page, self.search.count, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, query=self.query, **kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["page_query"] = params.urlencode()
        paginator = context["paginator"]
        context["broad"] = bool(self.search and self.search.broad)
        context["estimated"] = context["broad"] and not paginator.exact
        context["searched_for"] = self.search.text if self.search else ""
        if self.correction:
            params.pop("as_typed", None)
            params["q"] = self.correction.text
            context["correction"] = self.correction
            context["corrected_query"] = params.urlencode()
            params["q"], params["as_typed"] = self.query, "1"
            context["as_typed_query"] = params.urlencode()
        if self.query and not paginator.count:
            context["suggestions"] = suggest_titles(Article.objects.published(), self.query)
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response
