"""Schema.org structured data (JSON-LD) that knows no app: the publisher, breadcrumbs,
the page language and the @graph wrapper, as plain dicts.

Each app describes its own things on top of these (articles: NewsArticle and WebSite;
authors: Person and ProfilePage; support: the publisher's policy pages), and
core/templatetags/seo.py renders them. Nothing here touches the database.
"""

from django.conf import settings
from django.templatetags.static import static

from .links import absolute_url

LOGO = ("img/logo.png", 512, 512)
HOME = "/"  # settings.SITE_URL is the front page


def language():
    """settings.LANGUAGE_CODE as a BCP 47 tag: "en-gb" -> "en-GB"."""
    lang, _, region = settings.LANGUAGE_CODE.partition("-")
    return f"{lang}-{region.upper()}" if region else lang


def organization_id():
    return absolute_url("/#organization")


def website_id():
    return absolute_url("/#website")


def organization(links=None):
    """The publisher, from settings, with `links`: more schema.org properties naming
    pages about it ({"correctionsPolicy": url, ...}), which apps contribute."""
    path, width, height = LOGO
    data = {
        "@type": "NewsMediaOrganization",
        "@id": organization_id(),
        "name": settings.SITE_NAME,
        "url": absolute_url(HOME),
        "description": settings.SITE_DESCRIPTION,
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static(path)),
            "width": width,
            "height": height,
        },
    }
    data.update(links or {})
    return data


def publisher(context):
    """organization() with the links that apps put in the template context: a callable
    `publisher_links` returning {schema.org property: absolute URL} (the support app's
    context processor provides it, from the footer's already-loaded pages)."""
    links = context.get("publisher_links")
    return organization(links() if callable(links) else links)


def breadcrumbs(*trail):
    """A BreadcrumbList from (name, url) pairs, starting at the front page."""
    items = [(settings.SITE_NAME, HOME), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(url)}
            for n, (name, url) in enumerate(items, start=1)
        ],
    }


def graph(*nodes):
    return {"@context": "https://schema.org", "@graph": list(nodes)}
