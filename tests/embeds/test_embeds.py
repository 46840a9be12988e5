"""Pasted videos and posts: looked up when an article is saved, shown to readers as a
click-to-load facade that asks no third party for anything, with the page's CSP opened
for exactly the players it may load."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from embeds.body import embed_links
from embeds.models import Embed
from embeds.oembed import resolve
from tests.factories import ArticleFactory
from wordpress.convert import convert_content

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=M7lc1UVf-VE"
NOCOOKIE = "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1"


def article_with(body, capture):
    with capture(execute=True):
        return ArticleFactory(body=body)


def test_saving_an_article_looks_up_a_lone_link_once(providers, django_capture_on_commit_callbacks):
    article_with(f"<p>Intro.</p><p>{VIDEO}</p>", django_capture_on_commit_callbacks)

    embed = Embed.objects.get(url=VIDEO)
    assert embed.provider == "youtube"
    assert embed.title == "YouTube Developers Live: Embedded Web Player Customization"
    assert embed.author_name == "Google for Developers"
    assert embed.thumbnail_url == "https://i.ytimg.com/vi/M7lc1UVf-VE/hqdefault.jpg"
    assert embed.frame_src == NOCOOKIE
    assert embed.poster.name.startswith("embeds/") and embed.poster_width == 480
    assert embed.fetched_at is not None and embed.error == ""
    assert len(providers.requested) == 2  # the oEmbed answer and the thumbnail

    article_with(f'<p><a href="{VIDEO}">{VIDEO}</a></p>', django_capture_on_commit_callbacks)
    assert len(providers.requested) == 2  # already known: not asked again
    assert Embed.objects.count() == 1


def test_saving_again_retries_a_failed_look_up(providers, django_capture_on_commit_callbacks):
    providers.failing = True
    article = article_with(f"<p>{VIDEO}</p>", django_capture_on_commit_callbacks)
    assert "HTTP Error 503" in Embed.objects.get().error

    providers.failing = False
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    embed = Embed.objects.get()
    assert embed.error == "" and embed.poster


def test_reader_page_shows_a_facade_and_asks_the_provider_nothing(
    client, providers, django_capture_on_commit_callbacks
):
    article = article_with(
        f'<p>Watch:</p><p><a href="{VIDEO}">{VIDEO}</a></p>', django_capture_on_commit_callbacks
    )
    embed = Embed.objects.get()
    providers.requested.clear()

    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    assert providers.requested == []
    assert "Load from YouTube" in html
    assert f'data-embed-src="{NOCOOKIE.replace("&", "&amp;")}"' in html
    assert f'<img class="embed-poster" src="{embed.poster.url}"' in html
    assert embed.poster.url.startswith("/media/")
    assert "ytimg.com" not in html and "<iframe" not in html
    assert '<script src="/static/js/embeds.js" defer></script>' in html
    assert f'<a href="{VIDEO}">YouTube Developers Live' in html  # works without JavaScript
    csp = response["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com" in csp
    assert "youtube.com " not in csp and "vimeo" not in csp
    permissions = response["Permissions-Policy"]
    assert 'fullscreen=(self "https://www.youtube-nocookie.com")' in permissions
    assert "camera=()" in permissions

    # A second reader gets the body from a cached fragment, and the same frames.
    again = client.get(article.get_absolute_url())
    assert "Load from YouTube" in again.content.decode()
    assert "frame-src https://www.youtube-nocookie.com" in again["Content-Security-Policy"]
    assert again["Permissions-Policy"] == permissions


def test_pages_without_embeds_keep_frames_shut(client):
    article = ArticleFactory(body="<p>See https://www.youtube.com/watch?v=M7lc1UVf-VE here.</p>")
    response = client.get(article.get_absolute_url())
    assert "frame-src" not in response["Content-Security-Policy"]
    assert "fullscreen=()" in response["Permissions-Policy"]
    assert "Load from" not in response.content.decode()  # a link inside a sentence stays


def test_an_embed_costs_the_page_one_query(client, providers, django_capture_on_commit_callbacks):
    plain = ArticleFactory(body="<p>Text.</p>")
    one = article_with(f"<p>{VIDEO}</p>", django_capture_on_commit_callbacks)
    three = article_with(
        f"<p>{VIDEO}</p><p>https://vimeo.com/76979871</p><p>https://youtu.be/aqz-KE-bpKQ</p>",
        django_capture_on_commit_callbacks,
    )

    client.get("/")  # warm what is cached per process (navigation, footer)

    def queries(article):  # the first view, which renders the body (core.fragments)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(one) == queries(three) == queries(plain) + 1


@pytest.mark.parametrize(
    ("url", "provider", "frame_src", "title"),
    [
        (
            "https://vimeo.com/76979871",
            "vimeo",
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
            "Sintel",
        ),
        (
            "https://x.com/NASA/status/1737526464633843916",
            "x",
            "https://platform.twitter.com/embed/Tweet.html?id=1737526464633843916&dnt=true",
            "",
        ),
        (
            "https://bsky.app/profile/bsky.app/post/3l6oveex3ii2l",
            "bluesky",
            "https://embed.bsky.app/embed/did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l6oveex3ii2l",
            "",
        ),
        (
            "https://mastodon.social/@Mastodon/111111111111111111",
            "mastodon",
            "https://mastodon.social/@Mastodon/111111111111111111/embed",
            "New status by Mastodon",
        ),
        (
            "https://www.instagram.com/p/C1a2b3c4d5E/",
            "instagram",
            "https://www.instagram.com/p/C1a2b3c4d5E/embed/",
            "",
        ),
    ],
)
def test_each_provider_gets_its_player(providers, url, provider, frame_src, title):
    embed = resolve(url)
    assert (embed.provider, embed.frame_src, embed.title) == (provider, frame_src, title)
    assert embed.error == ""
    if provider == "instagram":  # no oEmbed without a Meta app token: nothing is asked
        assert providers.requested == []


def test_a_failed_look_up_is_kept_and_the_facade_still_offers_the_player(client, providers):
    providers.failing = True
    embed = resolve(VIDEO)
    assert "HTTP Error 503" in embed.error and embed.fetched_at is not None
    assert embed.frame_src == NOCOOKIE and not embed.poster

    article = ArticleFactory(body=f"<p>{VIDEO}</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Load from YouTube" in html and "embed-poster" not in html
    assert "Video on YouTube" in html


def test_links_that_are_not_alone_or_not_a_providers_stay_links():
    body = (
        f'<p>Watch <a href="{VIDEO}">this</a> now.</p>'
        '<p><a href="https://www.youtube.com/watch?v=M7lc1UVf-VE">a clip</a></p>'
        "<p>https://example.org/video</p>"
        "<p>https://youtu.be/aqz-KE-bpKQ</p>"
    )
    assert embed_links(body) == ["https://youtu.be/aqz-KE-bpKQ"]


def test_wordpress_embed_shortcodes_and_bare_links_become_embeds():
    html = convert_content(
        "[embed]https://vimeo.com/76979871[/embed]\n\n"
        "Watch https://www.youtube.com/watch?v=inline0000 stays text.\n\n"
        f"{VIDEO}\n\n"
        '<iframe src="https://www.youtube.com/embed/aqz-KE-bpKQ"></iframe>'
    ).html
    assert embed_links(html) == [
        "https://vimeo.com/76979871",
        VIDEO,
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    ]


def test_links_to_our_own_network_are_never_requested(monkeypatch):
    import socket

    from embeds import http

    def no_connection(*args, **kwargs):
        raise AssertionError("no connection may be opened")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    for url in ("https://localhost/api/oembed?url=x", "https://127.0.0.1/x", "http://example.org/"):
        with pytest.raises(http.FetchError):
            http.get(url)


def test_staff_list_embeds_and_look_a_failed_one_up_again(staff_client, providers):
    providers.failing = True
    embed = resolve(VIDEO)
    assert embed.error

    listing = staff_client.get("/admin/embeds/embed/")
    assert listing.status_code == 200 and VIDEO in listing.content.decode()

    providers.failing = False
    response = staff_client.post(
        "/admin/embeds/embed/",
        {"action": "look_up_again", "_selected_action": [embed.pk]},
        follow=True,
    )
    assert "Looked up 1 embed; 0 failed" in response.content.decode()
    embed.refresh_from_db()
    assert embed.error == "" and embed.title.startswith("YouTube Developers Live")
