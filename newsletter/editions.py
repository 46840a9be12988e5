"""Editions: pre-filled with the top stories since the last sent edition, and rendered as
an e-mail-safe HTML part (tables, CSS inlined with css-inline, absolute links and images,
fluid from 320 to 600 pixels) and a plain-text part."""

import css_inline
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string

from articles.models import Article
from core.links import absolute_url

from . import clicks, segments
from .models import Edition, EditionItem

TOP_STORIES = 8
# Replaced per recipient when sending (one render per edition, not per subscriber).
UNSUBSCRIBE_PLACEHOLDER = "%%UNSUBSCRIBE_URL%%"


def top_stories(limit=TOP_STORIES):
    """Articles published since the last sent edition, featured first, newest first."""
    stories = Article.objects.published()
    last = Edition.objects.sent().order_by("-sent_at").values_list("sent_at", flat=True).first()
    if last is not None:
        stories = stories.filter(published_at__gt=last)
    return list(stories.order_by("-featured", "-published_at", "-id")[:limit])


@transaction.atomic
def fill_with_top_stories(edition):
    """Add the top stories to an edition that has none yet; returns how many."""
    if edition.items.exists():
        return 0
    stories = top_stories()
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=article, position=(n + 1) * 10)
        for n, article in enumerate(stories)
    )
    return len(stories)


def items_for(edition):
    """The edition's stories in order, with what the template shows, in one query."""
    return list(
        edition.items.select_related("article", "article__section", "article__lead_image").filter(
            article__in=Article.objects.published()
        )
    )


def paragraphs_of(edition):
    """The intro's paragraphs (a blank line between them)."""
    text = edition.intro.replace("\r\n", "\n")
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def _stylesheet():
    path = finders.find("newsletter/email.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _image_url(image, crop="crop_16x9"):
    """A JPEG sharing crop (16:9 for the top story, square for the others' thumbnails):
    mail clients that show no WebP (Outlook) show JPEG. The original when the crop is not
    there (yet)."""
    if image is None:
        return ""
    try:
        url = image.crop_url(crop)
    except (KeyError, IndexError, ValueError, AttributeError):
        url = ""
    return absolute_url(url or image.file.url)


def stories_of(edition):
    """The stories as the e-mail shows them: the first leads, with a wide picture; the
    others get a small square one (or none, when the article has no picture). Their links
    are click addresses (newsletter/clicks.py), the same for every recipient."""
    stories = []
    for position, item in enumerate(items_for(edition), start=1):
        lead = position == 1
        article, image = item.article, item.article.lead_image
        if edition.pk:
            url = clicks.click_url(edition.pk, position, article.pk)
        else:
            url = absolute_url(article.get_absolute_url())
        stories.append(
            {
                "article": article,
                "position": position,
                "url": url,
                "image_url": _image_url(image) if lead else "",
                "thumb_url": "" if lead else _image_url(image, "crop_1x1"),
            }
        )
    return stories


def render(edition, unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER, stories=None):
    """(html, text) of an edition. The HTML's CSS is inlined (but for the phones' @media
    rule, kept in a <style> block); every link and image is absolute, so it works in any
    mail client."""
    if stories is None:
        stories = stories_of(edition)
    paragraphs = paragraphs_of(edition)
    context = {
        "edition": edition,
        "paragraphs": paragraphs,
        "stories": stories,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "PUBLISHER_LEGAL_NAME": settings.PUBLISHER_LEGAL_NAME,
        "PUBLISHER_ADDRESS": settings.PUBLISHER_ADDRESS,
        "archive_url": absolute_url(edition.get_absolute_url()) if edition.pk else "",
        "unsubscribe_url": unsubscribe_url,
        "support_line": segments.SUPPORT_LINE_PLACEHOLDER,
        "stylesheet": _stylesheet(),
    }
    html = render_to_string("newsletter/emails/edition.html", context)
    html = css_inline.CSSInliner(
        keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False
    ).inline(html)
    text = render_to_string("newsletter/emails/edition.txt", context)
    return html, text


def freeze(edition):
    """Render the edition once, for every recipient and the archive, and make its stories'
    click counters."""
    stories = stories_of(edition)
    html, text = render(edition, stories=stories)
    edition.html, edition.text = html, text
    Edition.objects.filter(pk=edition.pk).update(html=html, text=text)
    clicks.create_rows(edition, stories)
