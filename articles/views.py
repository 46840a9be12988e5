from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import DateDetailView, DetailView, ListView, TemplateView
from taggit.models import Tag

from core.caching import never_cached, public_page
from core.db import AnyOf
from core.fragments import Fragments, chrome, template_fragment_names
from core.pagecache import shows
from core.pagination import KeysetListMixin
from core.staff import is_verified_staff
from core.statements import light_get_or_404
from core.validators import validate_image_file
from media.models import Image

from . import previews, workflow
from .context_processors import navigation_sections
from .models import Article, Section
from .querysets import read_teasers

LISTING_PAGE_SIZE = 20
FRONT_LATEST = 12
FRONT_PER_SECTION = 4
RELATED_COUNT = 4


class ReaderPageMixin:
    """Reader pages: cache headers from the one helper; staff may see the unpublished work
    the admin shows them (workflow.readable_articles). A page that keeps no fragments of
    its own keeps its header and footer (core.fragments.chrome), under the navigation
    link it marks as current (`nav_current()`)."""

    keeps_fragments = False

    @method_decorator(public_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def nav_current(self):
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.keeps_fragments:
            context["fragments"] = chrome(self.request, self.nav_current())
        return context

    def staff_preview(self):
        return is_verified_staff(self.request.user)


class FrontPage(ReaderPageMixin, TemplateView):
    template_name = "articles/front_page.html"

    def nav_current(self):
        return "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shows(self.request, "front")
        latest = front_latest(FRONT_LATEST + 1)
        lead = next((a for a in latest if a.featured), latest[0] if latest else None)
        sections = navigation_sections()
        blocks = {s.pk: [] for s in sections}
        shown = [a.pk for a in latest]  # section blocks show what the top did not
        for article in front_sections(sections, FRONT_PER_SECTION, shown):
            blocks.setdefault(article.section_id, []).append(article)
        context.update(
            lead=lead,
            latest=[a for a in latest if a is not lead][:FRONT_LATEST],
            section_blocks=[(s, blocks[s.pk]) for s in sections if blocks[s.pk]],
        )
        return context


def front_latest(count):
    """The newest `count` articles, for the front page's top (read_teasers)."""
    return read_teasers(
        Article, ("front", count), lambda now: Article.objects.published(now)[:count]
    )


def front_sections(sections, per_section, shown):
    """The newest `per_section` articles of each of `sections` but those `shown` (ids), by
    section, then newest first, for the front page's section blocks (read_teasers)."""
    if not sections:
        return []

    def query(now, shown):  # the ids as one array: the same statement whatever their number
        articles = Article.objects.published(now).exclude(AnyOf(F("pk"), shown))
        in_sections = articles.latest_per_section(sections, per_section)
        return in_sections.order_by("section_id", "-published_at")

    key = ("front-sections", tuple(s.pk for s in sections), per_section)
    return read_teasers(Article, key, query, list(shown))


class ArticleDetail(ReaderPageMixin, DateDetailView):
    model = Article  # else the date mixin builds a whole queryset to find the model
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_allow_future(self):
        """Always: the queryset decides what is out (readable_articles: published() for
        readers). Django's own check compares the address's day with the server's system
        date, not the newsroom's, and would hide a story published in the first hours of
        the newsroom's day when its zone is ahead of the system clock."""
        return True

    # The parts of the page kept across requests for anonymous readers (core.fragments),
    # under the article's address and the content state: the template's {% fragment %}s.
    keeps_fragments = True
    # What the page reads outside those parts (title, robots, canonical link): all the
    # article row it needs when every part is cached (a field missing here costs a query,
    # which tests/project/test_fragments.py's one-query test counts).
    outside_fragments = (
        "title",
        "seo_title",
        "slug",
        "status",
        "published_at",
        "canonical_url",
        "exclude_from_news",
    )

    def get(self, request, *args, **kwargs):
        self.fragments, self.cached_parts = None, False
        if self.keeps_fragments and not request.user.is_authenticated:
            address = (kwargs[name] for name in ("year", "month", "day", "slug"))
            self.fragments = Fragments(request, "article", *address)
            names = template_fragment_names(self.template_name)
            self.cached_parts = self.fragments.fetch(names)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        articles = workflow.readable_articles(self.request.user, Article.objects.all())
        if self.cached_parts:  # one narrow row: does it exist, and its head
            return articles.only(*self.outside_fragments)
        return articles.for_page()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        shows(self.request, f"article:{article.pk}")
        if self.fragments is not None and article.is_published:
            context["fragments"] = self.fragments
        if not self.cached_parts:  # something is rendered: read what the page shows
            article.prefetch_detail()
            context["related"] = article.related(RELATED_COUNT)
            shows(self.request, *(f"article:{teaser.pk}" for teaser in context["related"]))
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published:
            never_cached(response)
        return response


class DraftDetail(ArticleDetail, DetailView):
    """Staff-only view of work with no publication date yet, for those the admin shows it
    to (editors: every article; contributors: their own). Everyone else gets a 404."""

    keeps_fragments = False

    def get_object(self, queryset=None):
        if not self.staff_preview():
            raise Http404("No such article")
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class SharedPreview(DetailView):
    """/preview/<token>/: an unpublished article for someone without an account, through a
    share-preview link (articles/previews.py), in the article page's own layout with a
    banner. Never indexed, never cached; an expired or revoked link says so (410)."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, token):
        link = previews.find(token)
        if link is None or not link.is_active:
            response = render(
                request,
                "articles/preview_unavailable.html",
                {"link": link, "state": previews.state(link).lower() if link else None},
                status=410 if link else 404,
            )
        else:
            self.object = get_object_or_404(Article.objects.for_detail(), pk=link.article_id)
            context = self.get_context_data(
                object=self.object, preview_link=link, related=self.object.related(RELATED_COUNT)
            )
            response = self.render_to_response(context)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ArticleListing(ReaderPageMixin, KeysetListMixin, ListView):
    """Newest first, paged by key: "older stories" links, no COUNT (core.pagination)."""

    paginate_by = LISTING_PAGE_SIZE
    context_object_name = "articles"

    def get_listing_object(self):
        raise NotImplementedError

    def get_queryset(self):
        """The listing's articles (articles.querysets.Listing), read a page at a time."""
        self.listing = self.get_listing_object()
        return self.listing_articles()

    def get_context_data(self, **kwargs):
        return super().get_context_data(listing=self.listing, **kwargs)


class SectionArticles(ArticleListing):
    template_name = "articles/section_detail.html"

    def get_listing_object(self):
        section = light_get_or_404(Section, slug=self.kwargs["slug"])
        shows(self.request, f"section:{section.pk}")
        return section

    def listing_articles(self):
        return Article.objects.listing(
            ("section",),
            lambda articles, now, section_id: articles.filter(section_id=section_id),
            values=(self.listing.pk,),
        )

    def nav_current(self):
        return self.listing.pk


class TagArticles(ArticleListing):
    template_name = "articles/tag_detail.html"

    def get_listing_object(self):
        tag = light_get_or_404(Tag, slug=self.kwargs["slug"])
        shows(self.request, f"tag:{tag.pk}")
        return tag

    def listing_articles(self):
        return Article.objects.listing(
            ("tag",),
            lambda articles, now, tag_id: articles.listed_through(
                "tagged_items", now, tag_id=tag_id
            ),
            key_field="listed_at",
            values=(self.listing.pk,),
        )


@require_POST
def editor_image_upload(request):
    """CKEditor 5's upload endpoint: validate, store the picture in the media library, and
    answer with its renditions so the editor writes a responsive <img srcset>. Needs the
    same permission as adding an image in the media library."""
    user = request.user
    if not (is_verified_staff(user) and user.has_perm("media.add_image")):
        return JsonResponse(
            {"error": {"message": "You do not have permission to upload files."}}, status=403
        )
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": "No file was sent."}}, status=400)
    try:
        validate_image_file(upload)
    except ValidationError as exc:
        return JsonResponse({"error": {"message": " ".join(exc.messages)}}, status=400)
    image = Image.objects.create(file=upload, uploaded_by=request.user)
    urls = {str(width): url for width, url in image.renditions()}
    urls["default"] = image.src(settings.INLINE_IMAGE_MAX_WIDTH)
    # Only "urls": CKEditor's upload adapter ignores "urls" (and so srcset) when "url" is set.
    return JsonResponse({"urls": urls})
