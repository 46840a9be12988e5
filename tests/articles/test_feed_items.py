"""The article feeds' items written once and kept per article (articles.feed_items), and
their XML written as Django's syndication framework writes it (articles.feed_xml)."""

from datetime import timedelta

import feedparser
import pytest
import reversion
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.xmlutils import UnserializableContentError
from reversion.models import Version
from taggit.models import Tag

from articles import feed_items, feed_xml
from articles.models import Correction
from core import fragments
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

FEEDS = ("/feed/", "/feed/atom/", "/section/naval/feed/")


@pytest.fixture
def articles(time_machine):
    section = SectionFactory(name="Naval", slug="naval")
    author = AuthorFactory(name="Hana Okafor", slug="hana-okafor")
    first = ArticleFactory(
        title="Frigate sea trials begin",
        standfirst="The first ship leaves harbour.",
        body="<p>Two weeks of trials.</p>",
        section=section,
        lead_image=ImageFactory(alt_text="A frigate at sea"),
        authors=[author],
        tags=["Frigates"],
        published_at=timezone.now() - timedelta(hours=2),
    )
    second = ArticleFactory(
        title="Dock strike ends", section=section, published_at=timezone.now() - timedelta(hours=3)
    )
    # An item is not kept when its article changed within a second of it being read (the
    # servers' clocks may differ by that much: core.content_state.recorded).
    time_machine.move_to(timezone.now() + timedelta(seconds=5))
    return first, second


def entries(client, url):
    """{title: entry} of the feed at `url`, as a feed reader parses it."""
    return parsed(client, url)[0]


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, f"{url}: {feed.get('bozo_exception')}"
    return {entry.title: entry for entry in feed.entries}, response.content.decode()


def change_title(article):
    article.title = "Frigate sea trials end early"
    article.save()
    return lambda entry, xml: entry.title == "Frigate sea trials end early"


def change_body(article):
    article.body = "<p>The trials were cut short by a storm.</p>"
    article.save()
    return lambda entry, xml: "cut short by a storm" in entry.content[0].value


def add_correction(article):
    Correction.objects.create(article=article, text="An earlier version misnamed the yard.")
    return lambda entry, xml: (
        entry.summary.endswith("misnamed the yard.")
        and "misnamed the yard" in entry.content[0].value
    )


def rename_author(article):
    author = article.byline_authors[0]
    author.name = "Hana Okafor-Reyes"
    author.save()
    return lambda entry, xml: entry.author == "Hana Okafor-Reyes"


def rename_section(article):
    article.section.name = "Navy"
    article.section.save()
    return lambda entry, xml: entry.tags[0].term == "Navy"


def rename_tag(article):
    tag = Tag.objects.get(name="Frigates")
    tag.name = "Frigate programme"
    tag.save()
    return lambda entry, xml: [t.term for t in entry.tags] == ["Naval", "Frigate programme"]


def describe_image(article):
    article.lead_image.alt_text = "The frigate leaving harbour"
    article.lead_image.save()
    # Feed readers show it; feedparser drops media:description, so read the XML.
    return lambda entry, xml: (
        '<media:description type="plain">The frigate leaving harbour</media:description>' in xml
    )


CHANGES = [
    change_title,
    change_body,
    add_correction,
    rename_author,
    rename_section,
    rename_tag,
    describe_image,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_an_item_shows_each_change_to_its_article_with_the_caches_on(
    client, settings, articles, change
):
    settings.PAGE_CACHE = True
    settings.FRAGMENT_CACHE = True
    first, second = articles
    for url in FEEDS:
        entries(client, url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    shows = change(first)

    for url in FEEDS:
        found, xml = parsed(client, url)
        [changed] = [entry for title, entry in found.items() if title != "Dock strike ends"]
        assert shows(changed, xml), (url, changed)
        assert "Dock strike ends" in found, url


def test_only_the_changed_articles_item_is_written_again(client, articles, monkeypatch):
    first, _second = articles
    written = []
    entry = feed_items.entry
    monkeypatch.setattr(
        feed_items, "entry", lambda row, db: written.append(row[1]) or entry(row, db)
    )
    entries(client, "/feed/")
    assert sorted(written) == ["Dock strike ends", "Frigate sea trials begin"]

    written.clear()
    first.title = "Frigate sea trials end early"
    first.save()
    ArticleFactory(title="Shipyard hires", published_at=timezone.now() - timedelta(minutes=5))
    found = entries(client, "/feed/")

    assert sorted(written) == ["Frigate sea trials end early", "Shipyard hires"]
    assert list(found) == ["Shipyard hires", "Frigate sea trials end early", "Dock strike ends"]


def test_a_kept_item_shows_a_scheduled_correction_once_its_time_comes(
    client, articles, time_machine
):
    first, _second = articles
    time_machine.move_to(timezone.now(), tick=False)
    soon = timezone.now() + timedelta(hours=1)
    Correction.objects.create(article=first, text="The yard was misnamed.", published_at=soon)
    before = entries(client, "/feed/")["Frigate sea trials begin"]
    assert "misnamed" not in before.summary

    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    after = entries(client, "/feed/")["Frigate sea trials begin"]

    assert after.summary.endswith(": The yard was misnamed.")
    assert "The yard was misnamed." in after.content[0].value


def test_nothing_is_kept_with_the_fragment_cache_off(client, settings, articles):
    settings.FRAGMENT_CACHE = False
    entries(client, "/feed/")
    assert len(fragments.local_parts._entries) == 0


def test_corrections_notice_is_the_templates_markup(articles):
    first, _second = articles
    with reversion.create_revision():
        reversion.add_to_revision(first)
    revision = Version.objects.get_for_object(first).first().revision
    Correction.objects.create(article=first, text='Said "3" & <meant> 4.\nIt\'s fixed.\r\nAgain.')
    Correction.objects.create(article=first, kind="editors_note", text="A note.", revision=revision)
    Correction.objects.create(article=first, kind="retraction", text="Withdrawn.")
    corrections = list(first.corrections.visible().order_by("published_at", "id"))

    expected = render_to_string(
        "includes/corrections.html", {"corrections": corrections, "label": "Corrections"}
    )

    assert feed_items.corrections_html(corrections, "Corrections") == expected
    assert "See what we changed" in expected  # the editor's note links its revision
    assert feed_items.corrections_html([], "Corrections") == ""


# --- The XML, against Django's feed generator -------------------------------------------

AWKWARD = "Tom & Jerry's \"<b>bold</b>\" 'quote'\tand\nnewline €"


class ReferenceRss(Rss201rev2Feed):
    """What articles.feeds wrote with Django's framework before feed_xml."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:media": feed_xml.MEDIA_NS,
            "xmlns:content": feed_xml.CONTENT_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        reference_media(handler, item)


class ReferenceAtom(Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": feed_xml.MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        reference_media(handler, item)


def reference_media(handler, item):
    image = item.get("image")
    if not image:
        return
    attrs = {"url": image["url"], "medium": "image", "type": image["type"]}
    handler.startElement(
        "media:content", {**attrs, "width": str(image["width"]), "height": str(image["height"])}
    )
    if image["alt"]:
        handler.addQuickElement("media:description", image["alt"], {"type": "plain"})
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


def sample_entries():
    now = timezone.now()
    image = {
        "url": "http://127.0.0.1:8000/media/x.jpg",
        "enclosure": "http://127.0.0.1:8000/media/x.jpg",
        "type": "image/jpeg",
        "width": 1200,
        "height": 675,
    }
    return [
        feed_xml.Entry(
            title=AWKWARD,
            link="http://127.0.0.1:8000/2026/07/02/a/?x=1&y=2",
            description="Summary &amp; more",
            guid="tag:127.0.0.1,2026-07-02:article:1",
            pubdate=now - timedelta(days=1),
            updated=now,
            author_name="A, B and C",
            author_link=None,
            categories=["Naval", AWKWARD, ""],
            image={**image, "alt": AWKWARD, "credit": "Supplied: Navy"},
            content_html=f"<p>{AWKWARD}</p>",
        ),
        feed_xml.Entry(
            title="Plain",
            link="http://127.0.0.1:8000/2026/07/01/b/",
            description="",
            guid="https://old.example.com/?p=12",
            pubdate=now - timedelta(days=2),
            updated=now - timedelta(days=2),
            author_name="Hana Okafor",
            author_link="http://127.0.0.1:8000/author/hana/",
            categories=[],
            image={**image, "alt": "", "credit": ""},
            content_html=None,
        ),
        feed_xml.Entry(
            title="No byline, no image",
            link="http://127.0.0.1:8000/2026/06/30/c/",
            description="Text",
            guid="tag:127.0.0.1,2026-06-30:article:3",
            pubdate=now - timedelta(days=3),
            updated=None,
            author_name=None,
            author_link=None,
            categories=["Land"],
            image=None,
            content_html="<p>Body</p>",
        ),
    ]


def reference(feed_class, channel, items):
    feed = feed_class(
        title=channel.title,
        link=channel.link,
        description=channel.description,
        subtitle=channel.description,
        language=channel.language,
        feed_url=channel.feed_url,
        feed_copyright=channel.copyright,
    )
    for item in items:
        image = item.image
        feed.add_item(
            title=item.title,
            link=item.link,
            description=item.description,
            unique_id=item.guid,
            unique_id_is_permalink=False,
            enclosures=[Enclosure(image["url"], "0", image["type"])] if image else [],
            pubdate=item.pubdate,
            updateddate=item.updated,
            author_name=item.author_name,
            author_link=item.author_link,
            categories=item.categories,
            image=image,
            content_html=item.content_html,
        )
    return feed.writeString("utf-8"), feed.latest_post_date()


@pytest.mark.parametrize(
    ("feed_class", "write_item", "write_document"),
    [
        (ReferenceRss, feed_xml.rss_item, feed_xml.rss_document),
        (ReferenceAtom, feed_xml.atom_item, feed_xml.atom_document),
    ],
)
def test_feed_xml_is_what_djangos_feed_generator_writes(feed_class, write_item, write_document):
    channel = feed_xml.Channel(
        title=f"Defence Blog {AWKWARD}",
        link="http://127.0.0.1:8000/",
        description=AWKWARD,
        feed_url="http://127.0.0.1:8000/feed/",
        language="en-gb",
        copyright="© Defence Blog",
    )
    items = sample_entries()
    expected, latest = reference(feed_class, channel, items)

    assert write_document(channel, [write_item(item) for item in items], latest) == expected


def test_control_characters_are_refused_as_the_framework_refuses_them():
    entry = sample_entries()[1]
    entry.title = "Bad\x0bcharacter"
    with pytest.raises(UnserializableContentError):
        feed_xml.rss_item(entry)
