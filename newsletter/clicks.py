"""Clicks per story of an edition, counted in aggregate and never per subscriber
(docs/privacy-analytics.md).

Every story link in an edition is one click address, the same for every recipient:
`/newsletter/c/<edition>.<position>.<article>:<signature>/`. It names the edition, the
story's place in the e-mail and the article, signed (so nobody can make the site count or
send readers elsewhere with an address of their own), and nothing about the reader. A
click adds one to that story's row (`StoryClicks`, made when sending starts) with one
UPDATE … SET clicks = clicks + 1 and redirects to the article: never to an address taken
from the link, so the click address is no open redirect. HEAD requests, browser
prefetches and known robots (link checkers that say what they are) are answered without
counting.
"""

import re
from urllib.parse import urlencode

from crawlerdetect import CrawlerDetect
from django.core import signing
from django.db.models import F
from django.urls import reverse

from articles.models import Article
from core.links import absolute_url

from .models import EditionItem, StoryClicks

SALT = "newsletter.click"
VALUE = re.compile(r"^(\d{1,12})\.(\d{1,4})\.(\d{1,12})$")


# Requests that fetch a link before (or without) a person following it: browsers'
# prefetch and prerender, and link previews.
PREFETCH_HEADERS = {
    "Sec-Purpose": "prefetch",
    "Purpose": "prefetch",
    "X-Purpose": "preview",
    "X-Moz": "prefetch",
}
_robots = CrawlerDetect()


class LinkInvalid(Exception):
    pass


def followed_by_a_person(request):
    """False for a GET that is a browser's prefetch, or from a client with no user agent or
    one on crawlerdetect's list (search engines, mail security scanners that say so,
    scripts). Scanners that pose as browsers still count: the figures are an upper bound."""
    headers = request.headers
    if any(value in headers.get(name, "").lower() for name, value in PREFETCH_HEADERS.items()):
        return False
    user_agent = headers.get("User-Agent", "")
    return bool(user_agent) and not _robots.isCrawler(user_agent)


def _signer():
    # Signed with SECRET_KEY: rotating it makes old editions' story links 404.
    return signing.Signer(salt=SALT)


def click_url(edition_id, position, article_id):
    """The absolute click address of one story of one edition, for every recipient."""
    signed = _signer().sign(f"{edition_id}.{position}.{article_id}")
    return absolute_url(reverse("newsletter:click", kwargs={"signed": signed}))


def unsign(signed):
    """(edition_id, position, article_id) of a click address; LinkInvalid if it was not
    made by click_url()."""
    try:
        value = _signer().unsign(signed)
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    match = VALUE.match(value)
    if match is None:
        raise LinkInvalid
    return tuple(int(part) for part in match.groups())


def target(edition_id, article_id):
    """The article a click goes to: the edition's story, if it is still published; None
    for an edition or story that does not exist (any more)."""
    item = (
        EditionItem.objects.filter(
            edition_id=edition_id,
            article_id=article_id,
            article__in=Article.objects.published(),
        )
        .select_related("article")
        .first()
    )
    return item.article if item else None


def destination(article, edition_id):
    """Where the reader lands: the article, tagged as coming from the newsletter so the
    audience figures (stats/) class the visit as such; the tags name the edition only."""
    tags = {
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": f"edition-{edition_id}",
    }
    return f"{absolute_url(article.get_absolute_url())}?{urlencode(tags)}"


def count(edition_id, position, article_id):
    """Add one click to the story's row; nothing for editions that were never sent (a test
    message or the preview of a draft: their rows do not exist). Returns whether it
    counted."""
    return bool(
        StoryClicks.objects.filter(
            edition_id=edition_id, position=position, article_id=article_id
        ).update(clicks=F("clicks") + 1)
    )


def create_rows(edition, stories):
    """One row at zero clicks per story of the e-mail, when sending starts (safe to run
    again). `stories` as editions.stories_of() gives them."""
    StoryClicks.objects.bulk_create(
        [
            StoryClicks(edition=edition, article=story["article"], position=story["position"])
            for story in stories
        ],
        ignore_conflicts=True,
    )


def per_story(edition):
    """The edition's stories with their clicks, in the e-mail's order (one query)."""
    return list(
        StoryClicks.objects.filter(edition=edition)
        .select_related("article")
        .only("position", "clicks", "article__title", "article__id")
        .order_by("position")
    )
