"""Schema.org structured data (JSON-LD) for the site's pages, as plain dicts.

The template tags in defenceblog/templatetags/seo.py render them; nothing here touches the
database beyond what the page has already loaded (bylines, tags and corrections come from
the article page's prefetches).
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

LOGO = ("img/logo.png", 512, 512)
# The publisher's policy pages (support.Page slugs) and what schema.org calls them.
POLICY_PAGES = {
    "masthead": "about",
    "correctionsPolicy": "corrections-policy",
    "ethicsPolicy": "ethics",
    "publishingPrinciples": "ethics",
    "actionableFeedbackPolicy": "corrections-policy",
}


def language():
    """settings.LANGUAGE_CODE as a BCP 47 tag: "en-gb" -> "en-GB"."""
    lang, _, region = settings.LANGUAGE_CODE.partition("-")
    return f"{lang}-{region.upper()}" if region else lang


def absolute(url):
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def organization_id():
    return absolute("/#organization")


def website_id():
    return absolute("/#website")


def _page_url(slug):
    try:
        return absolute(reverse("support:page", kwargs={"slug": slug}))
    except NoReverseMatch:
        return None


def organization(published_page_slugs=None):
    """The publisher. Policy links point only at pages that are published when the set of
    published page slugs is known (None: link them all)."""
    path, width, height = LOGO
    data = {
        "@type": "NewsMediaOrganization",
        "@id": organization_id(),
        "name": settings.SITE_NAME,
        "url": absolute(reverse("articles:front")),
        "description": settings.SITE_DESCRIPTION,
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static(path)),
            "width": width,
            "height": height,
        },
    }
    for prop, slug in POLICY_PAGES.items():
        if published_page_slugs is None or slug in published_page_slugs:
            url = _page_url(slug)
            if url:
                data[prop] = url
    try:
        data["ownershipFundingInfo"] = absolute(reverse("support:index"))
    except NoReverseMatch:
        pass
    return data


def website():
    return {
        "@type": "WebSite",
        "@id": website_id(),
        "url": absolute(reverse("articles:front")),
        "name": settings.SITE_NAME,
        "description": settings.SITE_DESCRIPTION,
        "inLanguage": language(),
        "publisher": {"@id": organization_id()},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(reverse("articles:search")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(*trail):
    """A BreadcrumbList from (name, url) pairs, starting at the front page."""
    items = [(settings.SITE_NAME, reverse("articles:front")), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(url)}
            for n, (name, url) in enumerate(items, start=1)
        ],
    }


def person(author):
    data = {
        "@type": "Person",
        "@id": absolute(author.get_absolute_url()) + "#person",
        "name": author.name,
        "url": absolute(author.get_absolute_url()),
    }
    if author.role:
        data["jobTitle"] = author.role
    return data


def news_article(article, corrections, published_page_slugs=None):
    url = absolute(article.get_absolute_url())
    modified = article.content_updated_at if article.was_updated else article.published_at
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
        "publisher": organization(published_page_slugs),
        "isAccessibleForFree": True,
        "inLanguage": language(),
    }
    image = article.lead_image
    if image:
        data["image"] = [
            absolute(image.crop_url("crop_16x9")),
            absolute(image.crop_url("crop_4x3")),
            absolute(image.crop_url("crop_1x1")),
        ]
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": correction.published_at.isoformat(),
                "url": absolute(correction.get_absolute_url()),
                "name": correction.get_kind_display(),
            }
            for correction in corrections
        ]
    return {key: value for key, value in data.items() if value is not None}


def profile_page(author, published_page_slugs=None):
    """ProfilePage with the author as a Person: job title, portrait, bio and the public
    profiles elsewhere (sameAs)."""
    data = person(author)
    data["worksFor"] = {"@id": organization_id()}
    if author.short_bio:
        data["description"] = author.short_bio
    if author.photo:
        data["image"] = absolute(author.photo_large.url)
    same_as = [link.url for link in author.links.all()]
    if same_as:
        data["sameAs"] = same_as
    return {
        "@type": "ProfilePage",
        "url": absolute(author.get_absolute_url()),
        "dateCreated": author.created.isoformat(),
        "dateModified": author.modified.isoformat(),
        "mainEntity": data,
    }


def graph(*nodes):
    return {"@context": "https://schema.org", "@graph": list(nodes)}
