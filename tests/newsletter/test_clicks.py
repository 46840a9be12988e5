"""Clicks per story, counted in aggregate: the links are the same for every recipient, a
click adds one to its story's counter and lands on the article, tampered or unknown links
are 404s, prefetches and HEAD count nothing, and editors see the table."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core import mail, signing
from django.utils import timezone

from newsletter import clicks, editions, sending, tasks
from newsletter.models import Edition, StoryClicks
from tests.factories import ArticleFactory, ImageFactory
from tests.workflow_helpers import member

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
URL = re.compile(r"https?://\S+")


@pytest.fixture
def edition():
    now = timezone.now()
    ArticleFactory(title="Lead story", published_at=now - timedelta(hours=1), featured=True)
    ArticleFactory(title="Second story", published_at=now - timedelta(hours=2))
    ArticleFactory(
        title="Third story", published_at=now - timedelta(hours=3), lead_image=ImageFactory()
    )
    edition = Edition.objects.create(subject="The week in defence")
    editions.fill_with_top_stories(edition)
    return edition


@pytest.fixture
def sent(edition, django_capture_on_commit_callbacks):
    """The edition sent through the real sending code to two subscribers."""
    make_subscriber("ann@example.org")
    make_subscriber("bob@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_now(edition)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and len(mail.outbox) == 2
    return edition


def story_links(message):
    html = message.alternatives[0][0]
    return [url for url in HREF.findall(html) if "/newsletter/c/" in url]


def path_of(url):
    return urlsplit(url).path


def counts(edition):
    return list(
        StoryClicks.objects.filter(edition=edition)
        .order_by("position")
        .values_list("position", "article__title", "clicks")
    )


def test_every_recipient_gets_the_same_links_with_nothing_about_them(sent):
    from newsletter.models import Subscriber

    ann, bob = sorted(mail.outbox, key=lambda m: m.to[0])
    assert story_links(ann) == story_links(bob)
    # Each story's headline (and picture) goes to one click address per story, which
    # names the edition, the story's place and the article, and nothing else.
    named = [
        re.fullmatch(r".*/newsletter/c/(\d+)\.(\d+)\.(\d+):[\w-]+/", url).groups()[:2]
        for url in dict.fromkeys(story_links(ann))
    ]
    assert named == [(str(sent.pk), "1"), (str(sent.pk), "2"), (str(sent.pk), "3")]
    for message in (ann, bob):
        subscriber = Subscriber.objects.get(email=message.to[0])
        html = message.alternatives[0][0]
        links = HREF.findall(html) + URL.findall(message.body)
        others = [url for url in links if "/newsletter/unsubscribe/" not in url]
        for url in others:
            assert subscriber.token not in url and message.to[0] not in url
        # The plain-text part carries the same click addresses.
        assert set(story_links(message)) <= set(URL.findall(message.body))
    assert [u for u in HREF.findall(ann.alternatives[0][0]) if "unsubscribe" not in u] == [
        u for u in HREF.findall(bob.alternatives[0][0]) if "unsubscribe" not in u
    ]


def test_sending_makes_one_counter_per_story_at_zero(sent):
    assert counts(sent) == [
        (1, "Lead story", 0),
        (2, "Second story", 0),
        (3, "Third story", 0),
    ]


def test_a_click_counts_for_its_story_and_lands_on_the_article(
    client, sent, settings, django_assert_num_queries
):
    second = story_links(mail.outbox[0])[1]  # the lead's headline, then the second's
    article = StoryClicks.objects.get(edition=sent, position=2).article
    with django_assert_num_queries(2):  # the story, then one UPDATE … clicks + 1
        response = client.get(path_of(second), headers={"User-Agent": BROWSER})
    assert response.status_code == 302
    assert response["Location"] == (
        f"{settings.SITE_URL}{article.get_absolute_url()}"
        f"?utm_source=newsletter&utm_medium=email&utm_campaign=edition-{sent.pk}"
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.get(path_of(second), headers={"User-Agent": BROWSER})
    assert counts(sent) == [(1, "Lead story", 0), (2, "Second story", 2), (3, "Third story", 0)]


def test_head_requests_prefetches_and_robots_count_nothing(client, sent):
    link = path_of(story_links(mail.outbox[0])[0])
    not_people = [
        {"User-Agent": BROWSER, "Sec-Purpose": "prefetch;prerender"},
        {"User-Agent": BROWSER, "Purpose": "prefetch"},
        {},  # no user agent
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"User-Agent": "Barracuda Sentinel (EE)"},  # a mail security scanner
        {"User-Agent": "python-requests/2.32"},
    ]
    assert client.head(link, headers={"User-Agent": BROWSER}).status_code == 302
    for headers in not_people:
        assert client.get(link, headers=headers).status_code == 302, headers
    assert client.post(link, headers={"User-Agent": BROWSER}).status_code == 405
    assert [row[2] for row in counts(sent)] == [0, 0, 0]
    client.get(link, headers={"User-Agent": BROWSER})
    assert [row[2] for row in counts(sent)] == [1, 0, 0]


def test_tampered_and_unknown_links_are_404s_and_count_nothing(client, sent):
    link = path_of(story_links(mail.outbox[0])[0])
    signed = link.rstrip("/").rsplit("/", 1)[1]
    value, signature = signed.split(":")
    edition_id, position, article_id = value.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_story = f"{edition_id}.{position}.{int(article_id) + 1}"
    tampered = [
        f"{value}:{flipped}",  # the signature changed
        f"{other_story}:{signature}",  # the value changed, the old signature kept
        value,  # no signature
        "12.1.1:nonsense",
        # Signed for something else (the confirmation links' salt).
        signing.Signer(salt="newsletter.confirm").sign(value),
        # Signed right, but not a story: never a redirect to an address from the link.
        signing.Signer(salt=clicks.SALT).sign("https://evil.example/"),
    ]
    for signed_value in tampered:
        response = client.get(f"/newsletter/c/{signed_value}/", headers={"User-Agent": BROWSER})
        assert response.status_code == 404, signed_value
    unknown = [
        clicks.click_url(sent.pk + 1000, 1, int(article_id)),  # no such edition
        clicks.click_url(sent.pk, 1, int(article_id) + 1000),  # no such story in it
    ]
    for url in unknown:
        assert client.get(path_of(url), headers={"User-Agent": BROWSER}).status_code == 404
    assert [row[2] for row in counts(sent)] == [0, 0, 0]


def test_a_story_unpublished_after_sending_is_a_404(client, sent):
    row = StoryClicks.objects.get(edition=sent, position=1)
    row.article.status = "draft"
    row.article.save()
    assert client.get(path_of(story_links(mail.outbox[0])[0])).status_code == 404


def test_links_in_a_test_message_work_without_counting(client, edition):
    test_reader = make_subscriber("editor@example.org")
    sending.build_message(edition, test_reader, subject_prefix="[Test] ").send()
    link = path_of(story_links(mail.outbox[0])[0])
    assert client.get(link, headers={"User-Agent": BROWSER}).status_code == 302
    assert not StoryClicks.objects.exists()  # a draft's clicks are the editors' own


# --- The admin table ---------------------------------------------------------------------


def test_editors_see_clicks_per_story_on_a_sent_edition(client, sent):
    StoryClicks.objects.filter(edition=sent, position=3).update(clicks=41)
    client.force_login(member("Editor", "editor1"))
    response = client.get(f"/admin/newsletter/edition/{sent.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("<caption>Clicks per story</caption>")
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>(\d+)</td></tr>", table)
    assert rows == [
        ("1", "Lead story", "0"),
        ("2", "Second story", "0"),
        ("3", "Third story", "41"),
    ]


def test_a_draft_shows_no_click_table(client, edition):
    client.force_login(member("Editor", "editor1"))
    response = client.get(f"/admin/newsletter/edition/{edition.pk}/change/")
    assert response.status_code == 200
    assert b"Clicks per story" not in response.content


def test_contributors_and_staff_without_the_permission_see_no_clicks(client, sent):
    client.force_login(member("Contributor", "writer1"))
    assert client.get(f"/admin/newsletter/edition/{sent.pk}/change/").status_code == 403
    viewer = member("Contributor", "viewer1")
    viewer.user_permissions.add(Permission.objects.get(codename="view_edition"))
    client.force_login(viewer)
    response = client.get(f"/admin/newsletter/edition/{sent.pk}/change/")
    assert response.status_code == 200
    assert b"The week in defence" in response.content
    assert b"Clicks per story" not in response.content
