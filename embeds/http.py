"""The only way the embeds app reaches the network (tests replace `get`)."""

import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 5  # seconds per request: an editor is waiting
MAX_BYTES = 5 * 1024 * 1024


class FetchError(Exception):
    pass


def get(url, max_bytes=MAX_BYTES):
    """The body of an https GET of `url` (bytes), at most `max_bytes`. Raises FetchError."""
    if not url.startswith("https://"):
        raise FetchError(f"Refused a non-https address: {url[:100]}")
    _refuse_private_host(urlsplit(url).hostname or "")
    request = urllib.request.Request(  # noqa: S310  (https only, checked above)
        url, headers={"User-Agent": f"{settings.SITE_NAME} embeds (+{settings.SITE_URL})"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            body = response.read(max_bytes + 1)
    except Exception as exc:  # HTTP errors, timeouts, DNS, TLS: all mean "not now"
        raise FetchError(f"{url[:100]}: {exc}") from exc
    if len(body) > max_bytes:
        raise FetchError(f"{url[:100]}: larger than {max_bytes} bytes")
    return body


def _refuse_private_host(host):
    """A Mastodon post may name any server: never let a pasted link make us request our own
    network (loopback, private, link-local addresses)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, 443)}
    except OSError as exc:
        raise FetchError(f"{host}: {exc}") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError(f"Refused {host}: it is not a public address ({address})")
