"""RSS 2.0 and Atom feeds: the latest articles, each section, tag and author, and the log
of published corrections.

Every URL in a feed is absolute, built from settings.SITE_URL (the address readers and
crawlers know), never from the request's host. An item's id (RSS `guid`, Atom `id`) is
made from the article's primary key and creation date, so editing the title, slug or date
never makes a reader see it twice; imported WordPress posts keep WordPress's own guid.
With settings.FEED_FULL_CONTENT the whole body goes in `content:encoded` (RSS) and
`<content>` (Atom); otherwise readers get the summary and a link.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html
from django.utils.http import http_date
from django.utils.translation import get_language
from taggit.models import Tag

from authors.models import Author
from core.links import absolute_url
from core.pagecache import shows
from core.statements import light_get_or_404

from . import feed_items, feed_xml
from .feed_items import FEED_SIZE, tag_uri
from .models import Article, Correction, Section


class ArticleRssFeed(Rss201rev2Feed):
    """Rss201rev2Feed declaring the namespaces the article feeds use (the live blog's feed
    is written with it)."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:media"] = feed_xml.MEDIA_NS
        attrs["xmlns:content"] = feed_xml.CONTENT_NS
        return attrs


RSS = (feed_xml.rss_item, feed_xml.rss_document, feed_xml.RSS_TYPE)
ATOM = (feed_xml.atom_item, feed_xml.atom_document, feed_xml.ATOM_TYPE)


class LatestArticles:
    """The newest published articles. Subclasses narrow it to one section, tag or author;
    each has an Atom twin that only changes `feed_type` and `url_name`. Written by
    articles.feed_items and articles.feed_xml (the bytes Django's Rss201rev2Feed and
    Atom1Feed would write, with Media RSS and full content), not the syndication
    framework: it cost most of a feed rendered with nothing cached."""

    feed_type = RSS
    url_name = "articles:feed"

    def __call__(self, request, *args, **kwargs):
        shows(request, "feeds")  # every change of an article touches the feeds
        obj = self.get_object(request, *args, **kwargs)
        write_item, write_document, content_type = self.feed_type
        found = feed_items.items(
            # The RSS and Atom twins read the same articles: their query is named by the
            # method that narrows it; the section's, tag's or author's id is a parameter.
            (self.newest.__qualname__,),
            lambda now, *pk: self.newest(Article.objects.published(now), *pk, now=now),
            write_item,
            values=() if obj is None else (obj.pk,),
        )
        dates = [date for _xml, *moments in found for date in moments if date]
        latest = max(dates) if dates else timezone.now()
        channel = feed_xml.Channel(
            title=self.title(obj),
            link=iri_to_uri(self.link(obj)),
            description=self.description(obj),
            feed_url=iri_to_uri(self.feed_url(obj)),
            language=get_language(),
            copyright=f"© {settings.SITE_NAME}",
        )
        document = write_document(channel, [xml for xml, *_dates in found], latest)
        response = HttpResponse(document.encode(), content_type=content_type)
        # As the framework does: ConditionalGetMiddleware can answer 304 Not Modified.
        response.headers["Last-Modified"] = http_date(latest.timestamp())
        return response

    def get_object(self, request):
        return None

    def url_kwargs(self, obj):
        return {}

    def newest(self, articles, pk=None, *, now):
        """`articles` (published at `now`) that the feed lists, newest first; `pk`: its
        section's, tag's or author's id."""
        return articles.order_by("-published_at", "-id")

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return settings.SITE_DESCRIPTION

    def link(self, obj):
        return absolute_url(reverse("articles:front"))

    def feed_url(self, obj):
        return absolute_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))


class LatestArticlesAtom(LatestArticles):
    feed_type = ATOM
    url_name = "articles:feed_atom"


class SectionArticles(LatestArticles):
    url_name = "articles:section_feed"

    def get_object(self, request, slug):
        return light_get_or_404(Section, slug=slug)

    def url_kwargs(self, section):
        return {"slug": section.slug}

    def newest(self, articles, pk=None, *, now):
        return super().newest(articles.filter(section_id=pk), now=now)

    def title(self, section):
        return f"{section.name} | {settings.SITE_NAME}"

    def description(self, section):
        return section.description or f"The latest {section.name} articles."

    def link(self, section):
        return absolute_url(section.get_absolute_url())


class SectionArticlesAtom(SectionArticles):
    feed_type = ATOM
    url_name = "articles:section_feed_atom"


class TagArticles(LatestArticles):
    url_name = "articles:tag_feed"

    def get_object(self, request, slug):
        return light_get_or_404(Tag, slug=slug)

    def url_kwargs(self, tag):
        return {"slug": tag.slug}

    def newest(self, articles, pk=None, *, now):
        # Newest first by the tag's own index (the link's copy of the publication time).
        return articles.listed_through("tagged_items", now=now, tag_id=pk)

    def title(self, tag):
        return f"{tag.name} | {settings.SITE_NAME}"

    def description(self, tag):
        return f"Articles tagged “{tag.name}”."

    def link(self, tag):
        return absolute_url(reverse("articles:tag", kwargs={"slug": tag.slug}))


class TagArticlesAtom(TagArticles):
    feed_type = ATOM
    url_name = "articles:tag_feed_atom"


class AuthorArticles(LatestArticles):
    url_name = "articles:author_feed"

    def get_object(self, request, slug):
        return light_get_or_404(Author, slug=slug)

    def url_kwargs(self, author):
        return {"slug": author.slug}

    def newest(self, articles, pk=None, *, now):
        return articles.listed_through("bylines", now=now, author_id=pk)

    def title(self, author):
        return f"{author.name} | {settings.SITE_NAME}"

    def description(self, author):
        return author.short_bio or f"Articles by {author.name}."

    def link(self, author):
        return absolute_url(author.get_absolute_url())


class AuthorArticlesAtom(AuthorArticles):
    feed_type = ATOM
    url_name = "articles:author_feed_atom"


class Corrections(Feed):
    """Every published correction, clarification and editor's note on published articles,
    newest first: the public log of what we got wrong."""

    feed_type = Rss201rev2Feed
    url_name = "articles:corrections_feed"
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        shows(request, "feeds", "corrections")
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"Corrections | {settings.SITE_NAME}"

    def description(self):
        return f"Every correction and clarification published by {settings.SITE_NAME}."

    def subtitle(self):
        return self.description()

    def link(self):
        try:
            return absolute_url(reverse("feedback:corrections"))
        except NoReverseMatch:  # the corrections page belongs to the feedback app
            return absolute_url(reverse("articles:front"))

    def feed_url(self):
        return absolute_url(reverse(self.url_name))

    def items(self):
        return (
            Correction.objects.visible()
            .filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, correction):
        return f"{correction.get_kind_display()}: {correction.article.title}"

    def item_description(self, correction):
        changes = correction.get_changes_url()
        if not changes:
            return escape(correction.text)
        return format_html(
            '{} <a href="{}">See what we changed</a>', correction.text, absolute_url(changes)
        )

    def item_link(self, correction):
        return absolute_url(correction.get_absolute_url())

    def item_guid(self, correction):
        return tag_uri(correction.created, f"correction:{correction.pk}")

    def item_pubdate(self, correction):
        return correction.published_at

    def item_updateddate(self, correction):
        return correction.published_at

    def item_categories(self, correction):
        return [correction.get_kind_display()]


class CorrectionsAtom(Corrections):
    feed_type = Atom1Feed
    url_name = "articles:corrections_feed_atom"
