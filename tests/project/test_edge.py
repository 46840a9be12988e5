"""What the application tells Varnish (core/edge.py, core.pagecache.edge_lifetime), without
a Varnish: how long a page may be kept, which tags a change purges once it commits, and
that a purge Varnish did not take is handed to the retrying task. A real varnishd in front
of a live site: tests/project/test_varnish.py."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core import content_state, edge
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

PURGE_URL = "http://127.0.0.1:9/"  # never asked: purge_url is replaced


class Sent(list):
    """The purges sent; `refused`: the URLs that fail."""


@pytest.fixture
def purges(monkeypatch, settings):
    """The purges sent, as (url, tags); a URL in `refused` fails as an unreachable one."""
    settings.VARNISH_PURGE_URLS = [PURGE_URL]
    sent, refused = Sent(), set()
    monkeypatch.setattr(edge.repurger, "add", lambda tags, delay: None)

    def purge_url(url, tags, timeout=None):
        if url in refused:
            raise edge.PurgeFailed(f"{url}: refused")
        sent.append((url, tuple(tags)))
        return 1

    monkeypatch.setattr(edge, "purge_url", purge_url)
    sent.refused = refused
    return sent


def surrogate_control(client, url):
    client.get(url)  # stored by the page cache
    return client.get(url).get("Surrogate-Control")


def test_without_varnish_no_page_is_marked_for_a_long_life(client, settings):
    settings.VARNISH_PURGE_URLS = []
    article = ArticleFactory()
    assert surrogate_control(client, article.get_absolute_url()) is None


def test_with_varnish_a_kept_page_lives_for_hours_until_the_next_scheduled_story(
    client, settings, purges
):
    section = SectionFactory(name="Land")
    article = ArticleFactory(section=section)
    hours = f"max-age={settings.EDGE_CACHE_SECONDS}"
    assert surrogate_control(client, article.get_absolute_url()) == hours
    ArticleFactory(section=section, published_at=timezone.now() + timedelta(minutes=10))
    lifetime = int(surrogate_control(client, "/").removeprefix("max-age="))
    assert 590 <= lifetime <= 601


def test_a_page_rendered_while_a_replica_may_lag_lives_seconds_at_the_edge(
    client, settings, purges, monkeypatch, django_capture_on_commit_callbacks
):
    """Rendered while the edit may not have reached a read replica, the page may show the
    old text: Varnish keeps it SETTLING_KEEP_SECONDS, not until the replica must have
    caught up (15 s here), so the edit reaches readers within seconds."""
    monkeypatch.setattr(content_state, "replica_settle_seconds", lambda: 15)
    article = ArticleFactory()
    url = article.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Frigate handed over"
        article.save()
    keep = content_state.SETTLING_KEEP_SECONDS
    assert surrogate_control(client, url) == f"max-age={keep}"
    with time_machine.travel(timezone.now() + timedelta(seconds=16)):
        content_state.content_state.forget()
        hours = f"max-age={settings.EDGE_CACHE_SECONDS}"
        assert surrogate_control(client, url) == hours


def test_an_edit_purges_its_tags_once_it_commits(purges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = ArticleFactory(section=SectionFactory(name="Sea"))
        article.title = "Frigate trials complete"
        article.save()
    assert purges == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (url, tags), *_ = purges
    assert url == PURGE_URL
    assert {f"article:{article.pk}", f"section:{article.section_id}", "front", "other"} <= set(tags)


def test_the_changes_of_one_transaction_send_one_purge(purges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        land, sea = SectionFactory(name="Land"), SectionFactory(name="Sea")
        first = ArticleFactory(section=land)
        second = ArticleFactory(section=sea)
        first.title = "Howitzer trials complete"
        first.save()
        land.name = "Land forces"
        land.save()
    # One purge at the commit (and its durable repeat: the tests' task backend runs the
    # deferred task at once), each with every change's tags; it was one per change.
    sent = {tags for _url, tags in purges}
    assert len(sent) == 1 and len(purges) == 2
    (tags,) = sent
    assert {f"article:{first.pk}", f"article:{second.pk}", f"section:{land.pk}"} <= set(tags)
    assert {f"section:{sea.pk}", "nav"} <= set(tags)


def test_a_purge_varnish_refused_is_retried_by_the_task(purges, caplog):
    purges.refused.add(PURGE_URL)
    edge.purge({"article:1"})
    assert purges == []
    assert "Varnish purge failed" in caplog.text
    assert "Task core.edge.purge_task failed on attempt 1 of 10" in caplog.text
    purges.refused.clear()  # Varnish answers again: the task's next attempt gets through
    edge.purge_task.call(PURGE_URL, ["article:1"])
    assert (PURGE_URL, ("article:1",)) in purges
