"""RSS 2.0 and Atom feeds: the latest articles, each section, tag and author, and the log
of published corrections.

Every URL in a feed is absolute, built from settings.SITE_URL (the address readers and
crawlers know), never from the request's host. An item's id (RSS `guid`, Atom `id`) is
made from the article's primary key and creation date, so editing the title, slug or date
never makes a reader see it twice; imported WordPress posts keep WordPress's own guid.
With settings.FEED_FULL_CONTENT the whole body goes in `content:encoded` (RSS) and
`<content>` (Atom); otherwise readers get the summary and a link.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html
from taggit.models import Tag

from authors.models import Author
from core.links import absolute_url
from core.pagecache import shows

from .models import Article, Correction, Section

FEED_SIZE = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"

_RELATIVE_URL = re.compile(r'(\s(?:src|href)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')
_SRCSET_URL = re.compile(r"(^|,\s*)/(?!/)")


def _day(moment):
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def absolutize_html(html):
    """Feed readers show HTML away from the site: make src, href and srcset absolute."""
    html = _RELATIVE_URL.sub(lambda m: f"{m.group(1)}{settings.SITE_URL}/", html)
    return _SRCSET.sub(
        lambda m: (
            m.group(1)
            + _SRCSET_URL.sub(lambda n: f"{n.group(1)}{settings.SITE_URL}/", m.group(2))
            + m.group(3)
        ),
        html,
    )


def tag_uri(date, specific):
    """An RFC 4151 tag URI: stable, unique, and not a link."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{date:%Y-%m-%d}:{specific}"


class _MediaElements:
    """Writes the full body and the lead image (Media RSS `media:content`) into an item."""

    def add_media(self, handler, item):
        image = item.get("image")
        if not image:
            return
        width, height = image.crop_size("crop_16x9")
        handler.startElement(
            "media:content",
            {
                "url": absolute_url(image.crop_url("crop_16x9")),
                "medium": "image",
                "type": image.crop_type("crop_16x9"),
                "width": str(width),
                "height": str(height),
            },
        )
        if image.alt_text:
            handler.addQuickElement("media:description", image.alt_text, {"type": "plain"})
        if image.credit:
            handler.addQuickElement("media:credit", image.credit)
        handler.endElement("media:content")


class ArticleRssFeed(_MediaElements, Rss201rev2Feed):
    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:media"] = MEDIA_NS
        attrs["xmlns:content"] = CONTENT_NS
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        self.add_media(handler, item)


class ArticleAtomFeed(_MediaElements, Atom1Feed):
    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:media"] = MEDIA_NS
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        self.add_media(handler, item)


class LatestArticles(Feed):
    """The newest published articles. Subclasses narrow it to one section, tag or author;
    each has an Atom twin that only changes `feed_type` and `url_name`."""

    feed_type = ArticleRssFeed
    url_name = "articles:feed"
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        shows(request, "feeds")  # every change of an article touches the feeds
        return super().__call__(request, *args, **kwargs)

    def url_kwargs(self, obj):
        return {}

    def filter_articles(self, articles, obj):
        return articles

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return settings.SITE_DESCRIPTION

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return absolute_url(reverse("articles:front"))

    def feed_url(self, obj):
        return absolute_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def feed_copyright(self):
        return f"© {settings.SITE_NAME}"

    def items(self, obj):
        articles = self.filter_articles(Article.objects.published(), obj)
        return articles.for_detail().order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        """The summary, then each published correction's notice ("Correction, 22 June
        2026: …"), so a feed reader sees why the entry changed."""
        notices = [
            f"{c.get_kind_display()}, {_day(c.published_at)}: {c.text}"
            for c in article.visible_corrections()
        ]
        return escape(" ".join([article.meta_description, *notices]).strip())

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        if article.import_source.startswith(("http://", "https://")) and (
            article.import_id.isdigit()
        ):
            # Imported from WordPress: keep its guid so subscribers see nothing new.
            return f"{article.import_source.rstrip('/')}/?p={article.import_id}"
        return tag_uri(article.created, f"article:{article.pk}")

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_for_readers

    def item_author_name(self, article):
        names = [author.name for author in article.byline_authors]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else None

    def item_author_link(self, article):
        authors = article.byline_authors
        return absolute_url(authors[0].get_absolute_url()) if len(authors) == 1 else None

    def item_categories(self, article):
        names = [article.section.name] if article.section else []
        # The tags for_detail() prefetched, read without building taggit's manager.
        tags = getattr(article, "_prefetched_objects_cache", {}).get("tags")
        return names + [tag.name for tag in (article.tags.all() if tags is None else tags)]

    def item_enclosures(self, article):
        if not article.lead_image:
            return []
        return [
            Enclosure(
                absolute_url(article.lead_image.crop_url("crop_16x9")),
                "0",
                article.lead_image.crop_type("crop_16x9"),
            )
        ]

    def item_extra_kwargs(self, article):
        extra = {"image": article.lead_image}
        if settings.FEED_FULL_CONTENT and article.body:
            corrections = article.visible_corrections()
            notices = (
                render_to_string(
                    "includes/corrections.html",
                    {"corrections": corrections, "label": "Corrections"},
                )
                if corrections
                else ""  # most articles have none: no template to render
            )
            extra["content_html"] = absolutize_html(article.body + notices)
        return extra


class LatestArticlesAtom(LatestArticles):
    feed_type = ArticleAtomFeed
    url_name = "articles:feed_atom"


class SectionArticles(LatestArticles):
    url_name = "articles:section_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def url_kwargs(self, section):
        return {"slug": section.slug}

    def filter_articles(self, articles, section):
        return articles.filter(section=section)

    def title(self, section):
        return f"{section.name} | {settings.SITE_NAME}"

    def description(self, section):
        return section.description or f"The latest {section.name} articles."

    def link(self, section):
        return absolute_url(section.get_absolute_url())


class SectionArticlesAtom(SectionArticles):
    feed_type = ArticleAtomFeed
    url_name = "articles:section_feed_atom"


class TagArticles(LatestArticles):
    url_name = "articles:tag_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def url_kwargs(self, tag):
        return {"slug": tag.slug}

    def filter_articles(self, articles, tag):
        return articles.filter(tagged_items__tag=tag)

    def title(self, tag):
        return f"{tag.name} | {settings.SITE_NAME}"

    def description(self, tag):
        return f"Articles tagged “{tag.name}”."

    def link(self, tag):
        return absolute_url(reverse("articles:tag", kwargs={"slug": tag.slug}))


class TagArticlesAtom(TagArticles):
    feed_type = ArticleAtomFeed
    url_name = "articles:tag_feed_atom"


class AuthorArticles(LatestArticles):
    url_name = "articles:author_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def url_kwargs(self, author):
        return {"slug": author.slug}

    def filter_articles(self, articles, author):
        return articles.filter(bylines__author=author)

    def title(self, author):
        return f"{author.name} | {settings.SITE_NAME}"

    def description(self, author):
        return author.short_bio or f"Articles by {author.name}."

    def link(self, author):
        return absolute_url(author.get_absolute_url())


class AuthorArticlesAtom(AuthorArticles):
    feed_type = ArticleAtomFeed
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
