"""Schema.org descriptions of articles: NewsArticle (with its section, tags and published
corrections) and the WebSite with its search. Nothing here touches the database beyond
what the article page has already loaded (bylines, tags and corrections come from its
prefetches)."""

from django.conf import settings
from django.urls import reverse

from authors.structured_data import person
from core.links import absolute_url
from core.structured_data import language, organization_id, website_id


def news_article(article, corrections, publisher):
    """`publisher` is the NewsMediaOrganization node (core.structured_data.publisher)."""
    url = absolute_url(article.get_absolute_url())
    modified = article.modified_for_readers
    data = {
        "@type": "NewsArticle",
        "@id": url + "#article",
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.get_canonical_url()},
        "headline": article.title[:110],
        "description": article.meta_description,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": [person(author) for author in article.byline_authors],
        "publisher": publisher,
        "isAccessibleForFree": True,
        "inLanguage": language(),
    }
    image = article.lead_image
    if image:
        # The three crops (one original, listed once, while the image is pending).
        crops = (image.crop_url(kind) for kind in ("crop_16x9", "crop_4x3", "crop_1x1"))
        data["image"] = [absolute_url(url) for url in dict.fromkeys(crops)]
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in article.reader_tags()]
    if keywords:
        data["keywords"] = keywords
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": correction.published_at.isoformat(),
                "url": absolute_url(correction.get_absolute_url()),
                "name": correction.get_kind_display(),
            }
            for correction in corrections
        ]
    return {key: value for key, value in data.items() if value is not None}


def website():
    """The site, with a SearchAction pointing at the article search."""
    return {
        "@type": "WebSite",
        "@id": website_id(),
        "url": absolute_url(reverse("articles:front")),
        "name": settings.SITE_NAME,
        "description": settings.SITE_DESCRIPTION,
        "inLanguage": language(),
        "publisher": {"@id": organization_id()},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(reverse("search:results")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
