"""What a hit may say about its reader (docs/privacy-analytics.md).

- A daily unique visitor is an 8-byte hash of the day's salt, the client's address and
  user agent. The salt is random, kept in Redis only, and expires an hour after its day
  (UTC) ends, so nothing links one day's hashes to the next. Neither the address nor the
  user agent is stored.
- `Sec-GPC: 1` or `DNT: 1`: the view counts, the reader adds nothing to unique visitors.
- Bots are not counted: crawlerdetect's list, no user agent or no browser user agent, and
  the user agents of tools and data-centre clients it does not list.
"""

import hashlib
import re
import secrets
from datetime import UTC, datetime
from functools import lru_cache

from crawlerdetect import CrawlerDetect

from accounts.lockout import client_ip

from . import buffer

_salts = {}  # day -> salt, this process's copy of today's salt only
_detector = CrawlerDetect()
# Browsers say "Mozilla/5.0"; tools, scripts and headless browsers run from data centres
# often say who they are instead, or add a word crawlerdetect's list does not have.
_NOT_A_BROWSER = re.compile(
    r"headless|phantomjs|python|curl|wget|go-http|okhttp|java/|libwww|httpclient|"
    r"node-fetch|axios|scrapy|puppeteer|playwright|selenium|lighthouse|pingdom|uptime|"
    r"amazon-?cloudfront|googleother|bytespider|gptbot|claudebot|ccbot",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def is_bot(user_agent):
    """Remembered per process: readers' browsers send a few hundred distinct user agents,
    and crawlerdetect's list is long."""
    if not user_agent.startswith("Mozilla/5.0") or _NOT_A_BROWSER.search(user_agent):
        return True
    return _detector.isCrawler(user_agent)


def opted_out(request):
    """The reader asked not to be tracked (Global Privacy Control or Do Not Track)."""
    return request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1"


def daily_salt(day):
    """Today's salt: made by the first process to ask, deleted by Redis after the day.
    None when Redis cannot be reached (the hit is dropped anyway)."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    conn = buffer.client()
    if conn is None:
        return None
    key = f"stats:salt:{day.isoformat()}"
    pipe = conn.pipeline(transaction=False)
    pipe.set(key, secrets.token_bytes(16), nx=True, exat=buffer.end_of_day(day))
    pipe.get(key)
    salt = pipe.execute()[1]
    _salts.clear()  # yesterday's salt leaves this process too
    _salts[day] = salt
    return salt


def visitor_hash(request, moment: datetime):
    """A signed 64-bit number for this reader today, or None when they opted out."""
    if opted_out(request):
        return None
    salt = daily_salt(moment.astimezone(UTC).date())
    if salt is None:
        return None
    who = f"{client_ip(request)}\n{request.headers.get('User-Agent', '')}".encode()
    digest = hashlib.blake2b(who, digest_size=8, key=salt).digest()
    return int.from_bytes(digest, "big", signed=True)


def forget_salts():
    """Drop this process's copy of the salt (tests)."""
    _salts.clear()
