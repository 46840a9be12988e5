"""A beacon's body, checked: what static/stats/beacon.js sends, and nothing else.

The body is JSON (sent as text/plain, so the browser needs no preflight):
    {"p": "/2026/12/07/a-story/", "k": 1, "r": "www.google.com", "s": 0,
     "u": {"source": "newsletter", "medium": "email", "campaign": "edition-12"}}
p: the page's path; k: the kind (stats.models.Kind); r: the referrer's host ("" for
none); s: engaged seconds (kind LEAVE only); u: UTM tags, each optional.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from django.urls import Resolver404, resolve

from .models import Kind, Source

MAX_BODY = 1024
MAX_SECONDS = 3600
_HOST = re.compile(r"^[a-z0-9.-]{1,100}$")
_TAG = re.compile(r"^[\w .:/+-]{1,60}$")
# Reader pages a hit may be for: the routes of these namespaces (never the admin, drafts,
# previews or secret addresses, which carry a token).
COUNTED_ROUTES = {
    "articles:front",
    "articles:detail",
    "articles:section",
    "articles:tag",
    "authors:list",
    "authors:detail",
}
SEARCH = (
    "google.",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.",
    "ecosia.org",
    "qwant.com",
    "startpage.com",
    "search.brave.com",
    "yandex.",
    "baidu.com",
    "kagi.com",
)
SOCIAL = (
    "facebook.com",
    "t.co",
    "x.com",
    "twitter.com",
    "linkedin.com",
    "lnkd.in",
    "reddit.com",
    "bsky.app",
    "threads.net",
    "instagram.com",
    "youtube.com",
    "news.ycombinator.com",
    "mastodon.",
    "telegram.org",
    "t.me",
    "whatsapp.com",
)
MAIL = ("mail.", "outlook.", "webmail.")


class BadBeacon(ValueError):
    """The body is not a beacon: answered 400, nothing kept."""


@dataclass(frozen=True)
class Beacon:
    path: str
    kind: int
    referrer: str
    seconds: int
    utm_source: str
    utm_medium: str
    utm_campaign: str

    @property
    def source(self):
        return classify(self.referrer, self.utm_source, self.utm_medium)


def parse(body: bytes) -> Beacon:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBeacon("not JSON") from exc
    if not isinstance(data, dict):
        raise BadBeacon("not an object")
    path, kind, referrer = data.get("p"), data.get("k"), data.get("r", "")
    seconds, utm = data.get("s", 0), data.get("u", {})
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 300:
        raise BadBeacon("path")
    if not isinstance(kind, int) or kind not in Kind.values:
        raise BadBeacon("kind")
    if not isinstance(referrer, str) or (referrer and not _HOST.match(referrer)):
        raise BadBeacon("referrer")
    if not isinstance(seconds, int) or not 0 <= seconds <= MAX_SECONDS:
        raise BadBeacon("seconds")
    if not isinstance(utm, dict) or set(utm) - {"source", "medium", "campaign"}:
        raise BadBeacon("utm")
    tags = {name: utm.get(name, "") for name in ("source", "medium", "campaign")}
    if any(not isinstance(v, str) or (v and not _TAG.match(v)) for v in tags.values()):
        raise BadBeacon("utm")
    return Beacon(
        path,
        kind,
        referrer,
        seconds if kind == Kind.LEAVE else 0,
        tags["source"].lower(),
        tags["medium"].lower(),
        tags["campaign"],
    )


@lru_cache(maxsize=4096)
def counted_path(path):
    """Is `path` a reader page that hits are counted for? No database query; remembered
    per process (a resolve costs more than the rest of the request's checks together)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in COUNTED_ROUTES


@lru_cache(maxsize=1024)
def classify(host, utm_source="", utm_medium=""):
    """The referrer's class: search, social, newsletter, other site or direct."""
    if utm_medium == "email" or utm_source == "newsletter":
        return Source.NEWSLETTER
    if not host:
        return Source.DIRECT
    if host.startswith(MAIL):
        return Source.NEWSLETTER
    if _matches(host, SEARCH):
        return Source.SEARCH
    if _matches(host, SOCIAL):
        return Source.SOCIAL
    return Source.SITE


def _matches(host, names):
    host = host.removeprefix("www.").removeprefix("m.")
    for name in names:
        if name.endswith("."):  # the name under any top-level domain: google.co.uk
            if host.startswith(name) or f".{name}" in host:
                return True
        elif host == name or host.endswith("." + name):
            return True
    return False
