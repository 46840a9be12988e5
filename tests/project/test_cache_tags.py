"""Invalidation by dependency (issue 27): each cached page records what it shows as tags,
each change touches the tags it changes, and exactly the pages that show one of them are
stale on the next request; the others are still served from the cache. Against the real
Redis."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.utils import timezone

from authors.models import Author
from authors.tasks import make_photo_renditions
from core import pagecache
from core.cache import FailSoftRedisCache
from core.content_state import content_state
from liveblog import coverage
from liveblog.models import LiveBlog, LiveUpdate
from media import media_library
from media.tasks import make_image_renditions
from newsletter.models import Edition, EditionItem
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
    image_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_redis(page_cache_on_redis):
    """Every test here on a Redis of its own (tests/project/conftest.py)."""


@pytest.fixture
def site():
    """Two sections, each with an article; the first article has a tag and an author; a
    live blog in the second section, whose pages' related teasers are newer Land stories
    (so neither they nor the Land listing show the first article)."""
    air, land = SectionFactory(name="Air", slug="air"), SectionFactory(name="Land", slug="land")
    author = AuthorFactory(name="Hana Okafor", slug="hana-okafor")
    days_ago = timezone.now() - timedelta(days=3)
    radar = ArticleFactory(
        title="Radar network completed", section=air, authors=[author], published_at=days_ago
    )
    radar.tags.add("Radar")
    tank = ArticleFactory(title="Tank order signed", section=land)
    for n in range(4):
        ArticleFactory(title=f"Land story {n}", section=land)
    live = ArticleFactory(
        title="Live: Harbour drill", section=land, published_at=timezone.now() - timedelta(hours=1)
    )
    blog = LiveBlog.objects.create(article=live, coverage_start=live.published_at)
    update = LiveUpdate.objects.create(
        live_blog=blog, body="<p>Ships leave the harbour.</p>", published_at=live.published_at
    )
    return {
        "front": "/",
        "radar": radar.get_absolute_url(),
        "tank": tank.get_absolute_url(),
        "live": live.get_absolute_url(),
        "live update": f"/live/{blog.pk}/updates/{update.pk}/",
        "air": "/section/air/",
        "land": "/section/land/",
        "tag": "/tag/radar/",
        "author": "/author/hana-okafor/",
        "feed": "/feed/",
        "_objects": (radar, blog, air),
    }


def warm(client, urls):
    """Each page rendered and stored, then served from the cache."""
    for url in urls:
        client.get(url)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response["X-Page-Cache"] == "hit", url


def stale(client, urls):
    """The pages rendered again on this request (every other one is still a hit)."""
    states = {url: client.get(url)["X-Page-Cache"] for url in urls}
    assert set(states.values()) <= {"hit", "miss"}, states
    return {url for url, state in states.items() if state == "miss"}


def pages(site):
    return {name: url for name, url in site.items() if not name.startswith("_")}


def names(site, urls):
    return {name for name, url in pages(site).items() if url in urls}


def test_a_live_update_makes_only_its_blog_pages_stale(client, site):
    urls = list(pages(site).values())
    warm(client, urls)
    _radar, blog, _air = site["_objects"]
    LiveUpdate.objects.create(
        live_blog=blog, body="<p>The drill ends.</p>", published_at=timezone.now()
    )
    assert names(site, stale(client, urls)) == {"live", "live update"}
    assert "The drill ends." in client.get(site["live"]).content.decode()


def test_an_article_edit_makes_its_page_and_listings_stale_not_another_section(client, site):
    urls = list(pages(site).values())
    warm(client, urls)
    radar, _blog, _air = site["_objects"]
    radar.title = "Radar network completed early"
    radar.save()
    assert names(site, stale(client, urls)) == {"radar", "front", "air", "tag", "author", "feed"}
    assert "completed early" in client.get("/section/air/").content.decode()


def test_moving_an_article_makes_both_sections_stale(client, site):
    urls = list(pages(site).values())
    warm(client, urls)
    radar, _blog, _air = site["_objects"]
    radar.section = SectionFactory(name="Sea", slug="sea")
    radar.save()
    assert {"air", "radar"} <= names(site, stale(client, urls))
    assert "Radar network" not in client.get("/section/air/").content.decode()


def test_a_section_rename_makes_every_page_stale(client, site):
    urls = list(pages(site).values())
    warm(client, urls)
    _radar, _blog, air = site["_objects"]
    air.name = "Air power"
    air.save()
    assert stale(client, urls) == set(urls)  # the navigation is on every page
    assert "Air power" in client.get(site["tank"]).content.decode()


def test_a_live_update_made_while_the_cache_is_unreachable_still_reaches_readers(
    client, site, monkeypatch
):
    """Its blog's tag cannot be touched: the site-wide version in PostgreSQL is advanced
    instead, so every server (reading the state again) renders every page afresh."""
    urls = list(pages(site).values())
    warm(client, urls)
    _radar, blog, _air = site["_objects"]
    monkeypatch.setattr(content_state, "cache", FailSoftRedisCache("redis://127.0.0.1:1/0", {}))
    LiveUpdate.objects.create(
        live_blog=blog, body="<p>Radio silence.</p>", published_at=timezone.now()
    )
    monkeypatch.setattr(content_state, "cache", cache)
    content_state.forget()  # as another server, once it reads the state again
    assert stale(client, urls) == set(urls)
    assert "Radio silence." in client.get(site["live"]).content.decode()


def test_pages_carry_their_tags_in_surrogate_key_and_cache_tag_headers(client, site):
    radar, blog, air = site["_objects"]
    miss, hit = client.get(site["radar"]), client.get(site["radar"])
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for response in (miss, hit):
        keys = set(response["Surrogate-Key"].split(" "))
        assert {f"article:{radar.pk}", "nav", "support"} <= keys
        assert f"live:{blog.pk}" not in keys
        assert set(response["Cache-Tag"].split(",")) == keys
    live = set(client.get(site["live"])["Surrogate-Key"].split(" "))
    assert {f"article:{blog.pk}", f"live:{blog.pk}"} <= live
    assert set(client.get("/section/air/")["Cache-Tag"].split(",")) >= {f"section:{air.pk}"}


def test_a_page_that_names_nothing_it_shows_is_stale_after_any_change(client, site):
    """The authors index declares no tag of its own: it carries `other`, which every change
    touches (as every page did before tags)."""
    warm(client, ["/authors/"])
    assert "other" in client.get("/authors/")["Surrogate-Key"].split(" ")
    _radar, blog, _air = site["_objects"]
    LiveUpdate.objects.create(live_blog=blog, body="<p>Later.</p>", published_at=timezone.now())
    assert client.get("/authors/")["X-Page-Cache"] == "miss"


def test_a_live_update_reaches_the_cached_parts_that_show_the_blog(client, site, settings):
    """Fragments only (no page cache): the timeline and the LiveBlogPosting JSON-LD show
    the new update at once; they are the parts that carry the blog's tag."""
    settings.PAGE_CACHE = False
    _radar, blog, _air = site["_objects"]
    for _ in range(2):
        client.get(site["live"])
    LiveUpdate.objects.create(
        live_blog=blog, body="<p>Divers reach the wreck.</p>", published_at=timezone.now()
    )
    html = client.get(site["live"]).content.decode()
    json_ld = html.split('type="application/ld+json"', 1)[1].split("</script>", 1)[0]
    assert "Divers reach the wreck." in json_ld
    assert html.count("Divers reach the wreck.") >= 2  # the timeline too


def test_a_hit_reads_its_entry_and_the_tag_versions_it_lacks_in_one_round_trip(
    client, site, monkeypatch
):
    url = site["radar"]
    client.get(url)
    pagecache.local_pages.clear()  # as in a process that has not served this page lately
    content_state._tags.clear()  # ...and whose hold on the tag versions has expired
    reads, backend = [], caches["default"]  # the object itself (the settings change back)
    for name in ("get", "get_many"):
        original = getattr(backend, name)
        monkeypatch.setattr(
            backend, name, lambda *a, _o=original, _n=name, **k: reads.append(_n) or _o(*a, **k)
        )
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads == ["get_many"]
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads == ["get_many"]  # then held: no read at all


def test_an_article_scheduled_after_the_schedule_was_read_appears_with_no_worker(client, site):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        warm(client, ["/"])  # the schedule (nothing upcoming) is read and held
        ArticleFactory(
            title="Submarine contract announced",
            published_at=timezone.now() + timedelta(minutes=10),
        )
        assert "Submarine contract" not in client.get("/").content.decode()
        traveller.shift(timedelta(minutes=10, seconds=1))
        response = client.get("/")
        assert response["X-Page-Cache"] == "miss"
        assert "Submarine contract announced" in response.content.decode()


def test_the_first_article_of_an_empty_section_brings_it_into_every_page_navigation(client, site):
    cyber = SectionFactory(name="Cyber", slug="cyber")  # empty: not in the navigation
    urls = list(pages(site).values())
    warm(client, urls)
    assert "/section/cyber/" not in client.get(site["tank"]).content.decode()
    ArticleFactory(title="Network defence drill", section=cyber)
    assert stale(client, urls) == set(urls)
    assert "/section/cyber/" in client.get(site["tank"]).content.decode()


def test_another_article_in_a_listed_section_leaves_unrelated_article_pages_cached(client, site):
    urls = [site["tank"], site["live"]]
    warm(client, urls)
    _radar, _blog, air = site["_objects"]
    ArticleFactory(title="Drone squadron formed", section=air)
    assert stale(client, urls) == set()


def test_a_new_picture_makes_no_page_stale(client, site):
    """An upload is shown nowhere yet: every page stays a hit."""
    urls = list(pages(site).values())
    warm(client, urls)
    ImageFactory(renditions=False)
    assert stale(client, urls) == set()


def test_a_lead_pictures_renditions_make_only_the_pages_that_show_it_stale(client, site):
    """The rendition task stores its names with .update() (no signal): it names the pages
    of the article that leads with the picture, and its listings; not another section."""
    radar, _blog, _air = site["_objects"]
    image = ImageFactory(renditions=False)
    radar.lead_image = image
    radar.save()
    urls = list(pages(site).values())
    warm(client, urls)
    make_image_renditions.call(image.pk)
    assert names(site, stale(client, urls)) == {"radar", "front", "air", "tag", "author", "feed"}
    assert "/media/renditions/" in client.get(site["radar"]).content.decode()


def test_an_inline_pictures_new_file_makes_the_article_that_shows_it_stale(client, site):
    """Replacing a file rewrites the bodies that show it (with .update()): the pages of
    those articles are stale, and show the new file; the other pages stay hits."""
    radar, _blog, _air = site["_objects"]
    image = ImageFactory()
    old_name = image.file.name
    radar.body = f'<p>Before.</p><p><img src="{image.file.url}" alt="A mast"></p>'
    radar.save()
    urls = list(pages(site).values())
    warm(client, urls)
    image.file = ContentFile(image_bytes(color=(200, 40, 40)), name="mast.jpg")
    image.save()
    assert media_library.replace_in_bodies(image, old_name) == 1
    assert names(site, stale(client, urls)) == {"radar", "front", "air", "tag", "author", "feed"}
    assert image.file.name.rsplit(".", 1)[0] in client.get(site["radar"]).content.decode()


def test_an_author_photos_renditions_make_their_pages_stale_not_the_others(client, site):
    author = Author.objects.get(slug="hana-okafor")
    urls = list(pages(site).values())
    warm(client, urls)
    author.photo.save("hana.jpg", ContentFile(image_bytes()), save=False)
    Author.objects.filter(pk=author.pk).update(photo=author.photo.name)  # no signal yet
    make_photo_renditions.call(author.pk)
    assert names(site, stale(client, urls)) == {"author", "radar", "front", "feed"}
    assert "/media/renditions/" in client.get(site["author"]).content.decode()


def test_an_edition_sent_makes_the_archive_stale_and_no_reader_page(client, site):
    """Editions are saved a few times while they send: the archive shows them; no other
    page does. An edition's page shows its stories, so editing one makes it stale."""
    radar, _blog, _air = site["_objects"]
    edition = Edition.objects.create(subject="Week one", status="sent", sent_at=timezone.now())
    EditionItem.objects.create(edition=edition, article=radar, position=0)
    urls = [*pages(site).values(), "/newsletter/archive/", edition.get_absolute_url()]
    warm(client, urls)
    Edition.objects.create(subject="Week two", status="sent", sent_at=timezone.now())
    assert stale(client, urls) == {"/newsletter/archive/", edition.get_absolute_url()}
    radar.title = "Radar network handed over"
    radar.save()
    assert edition.get_absolute_url() in stale(client, urls)
    assert "Radar network handed over" in client.get(edition.get_absolute_url()).content.decode()


def test_live_coverage_starting_and_ending_reaches_the_listings_that_show_its_badge(client, site):
    """The teaser's "Live" badge is on the front page and the section's: starting or
    ending coverage makes them stale, not the other section's."""
    radar, _blog, _air = site["_objects"]
    urls = list(pages(site).values())
    warm(client, urls)
    coverage.start(radar, StaffFactory())
    assert {"radar", "front", "air"} <= names(site, stale(client, urls))
    assert "live-badge" in client.get("/section/air/").content.decode()
    assert "/section/land/" not in stale(client, urls)
    coverage.end(radar.pk)
    assert {"radar", "front", "air"} <= names(site, stale(client, urls))
    assert "live-badge" not in client.get("/section/air/").content.decode()
