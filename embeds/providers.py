"""The providers whose links become embeds, and how each is played.

Each provider says which links are its posts or videos, where its oEmbed endpoint is (when
it offers one without an API key), and the address of the player frame a reader loads by
clicking: privacy-enhanced where the provider has such a mode (youtube-nocookie.com,
Vimeo's and X's do-not-track). The frame's origin is what the page's CSP opens for it.
"""

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    patterns: tuple
    oembed: str = ""  # endpoint, "{host}" for the post's own server; "" = none without a key
    aspect: str = "16x9"  # the facade's shape: "16x9" for video, "post" for posts

    def match(self, url):
        for pattern in self.patterns:
            found = pattern.fullmatch(url)
            if found:
                return found
        return None

    def oembed_url(self, url):
        if not self.oembed:
            return ""
        endpoint = self.oembed.format(host=urlsplit(url).hostname)
        return f"{endpoint}{'&' if '?' in endpoint else '?'}url={quote(url, safe='')}"

    def frame_src(self, url, oembed_html=""):
        """The player's address for `url`, or "" when it cannot be known (a Bluesky post by
        handle before its oEmbed answer gave the post's permanent identifier)."""
        found = self.match(url)
        if not found:
            return ""
        return FRAMES[self.key](found, unescape(oembed_html or ""))


def _re(*patterns):
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


_QUERY = r"(?:[?#][^\s]*)?"

PROVIDERS = (
    Provider(
        "youtube",
        "YouTube",
        _re(
            r"https?://(?:www\.|m\.)?youtube\.com/watch\?(?:[^\s#]*&)?v=(?P<id>[\w-]{11})[^\s]*",
            r"https?://youtu\.be/(?P<id>[\w-]{11})" + _QUERY,
            r"https?://(?:www\.)?youtube\.com/(?:shorts|live|embed)/(?P<id>[\w-]{11})" + _QUERY,
        ),
        oembed="https://www.youtube.com/oembed?format=json",
    ),
    Provider(
        "vimeo",
        "Vimeo",
        _re(r"https?://(?:www\.)?vimeo\.com/(?P<id>\d+)" + _QUERY),
        oembed="https://vimeo.com/api/oembed.json",
    ),
    Provider(
        "x",
        "X",
        _re(
            r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,15}/status(?:es)?/(?P<id>\d+)"
            + _QUERY
        ),
        oembed="https://publish.twitter.com/oembed?omit_script=1&dnt=true",
        aspect="post",
    ),
    Provider(
        "bluesky",
        "Bluesky",
        _re(r"https://bsky\.app/profile/(?P<actor>[\w.:-]+)/post/(?P<id>\w+)" + _QUERY),
        oembed="https://embed.bsky.app/oembed?format=json",
        aspect="post",
    ),
    Provider(
        "instagram",
        "Instagram",
        # Instagram's oEmbed needs a Meta app token: the frame comes from the address alone.
        _re(r"https?://(?:www\.)?instagram\.com/(?:p|reel|tv)/(?P<id>[\w-]+)/?" + _QUERY),
        aspect="post",
    ),
    Provider(
        "mastodon",
        "Mastodon",
        # Any server: https://server/@user/123. Tried last, after the named providers.
        _re(r"https://(?P<host>[a-z0-9.-]+\.[a-z]{2,})/@(?P<user>\w+)/(?P<id>\d+)/?"),
        oembed="https://{host}/api/oembed",
        aspect="post",
    ),
)

_BLUESKY_URI = re.compile(r'data-bluesky-uri="at://(did:[\w:.-]+/app\.bsky\.feed\.post/\w+)"')


def _bluesky(found, html):
    if found["actor"].startswith("did:"):
        return f"https://embed.bsky.app/embed/{found['actor']}/app.bsky.feed.post/{found['id']}"
    uri = _BLUESKY_URI.search(html)
    return f"https://embed.bsky.app/embed/{uri.group(1)}" if uri else ""


FRAMES = {
    "youtube": lambda m, h: f"https://www.youtube-nocookie.com/embed/{m['id']}?autoplay=1",
    "vimeo": lambda m, h: f"https://player.vimeo.com/video/{m['id']}?dnt=1&autoplay=1",
    "x": lambda m, h: f"https://platform.twitter.com/embed/Tweet.html?id={m['id']}&dnt=true",
    "bluesky": _bluesky,
    "instagram": lambda m, h: f"https://www.instagram.com/p/{m['id']}/embed/",
    "mastodon": lambda m, h: f"https://{m['host']}/@{m['user']}/{m['id']}/embed",
}


def provider_for(url):
    """The provider whose post or video `url` is, or None."""
    for provider in PROVIDERS:
        if provider.match(url):
            return provider
    return None


def by_key(key):
    return next((p for p in PROVIDERS if p.key == key), None)


def frame_origin(frame_src):
    """What CSP's frame-src must allow for a player address: its scheme and host."""
    parts = urlsplit(frame_src)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" else ""
