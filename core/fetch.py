"""The one way the project's server reaches another host (oEmbed look-ups, thumbnails, and
anything later): an https GET that cannot be steered into our own network.

Each hop's host name is resolved once, every answer must be a public address, and the
connection goes to the checked address (the name is kept for TLS SNI, the certificate check
and `Host`), so a DNS answer that changes between the check and the connection
(rebinding) reaches nothing. Redirects are followed by hand, a few at most, https only,
each hop checked the same way. The body and the whole exchange are bounded in size and
time. tests/core/test_fetch.py holds the attacks; tests/project/test_outbound.py keeps
every other module from opening connections itself.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 5  # seconds for the whole exchange, redirects included
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024

# Addresses treated as public although they are not. Empty in every configuration: only
# tests fill it, to reach their own TLS server on a loopback address.
TEST_ADDRESSES = frozenset()


class FetchError(Exception):
    pass


def get(url, *, max_bytes=MAX_BYTES, timeout=TIMEOUT, headers=None):
    """The body (bytes) of an https GET of `url`, at most `max_bytes`, within `timeout`
    seconds. Raises FetchError for anything else."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        status, location, body = _get_once(url, max_bytes, deadline, headers or {})
        if status not in REDIRECTS:
            return body
        if not location:
            raise FetchError(f"{url[:100]}: a redirect without a Location")
        url = urljoin(url, location)
    raise FetchError(f"{url[:100]}: more than {MAX_REDIRECTS} redirects")


def _get_once(url, max_bytes, deadline, headers):
    """One request, no redirects followed: (status, Location, body)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise FetchError(f"Refused a non-https address: {url[:100]}")
    try:
        port = parts.port or 443
    except ValueError as exc:
        raise FetchError(f"{url[:100]}: {exc}") from exc
    address = checked_address(parts.hostname, port)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection = _PinnedHTTPSConnection(parts.hostname, port, address, _remaining(deadline, url))
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity", **headers})
        response = connection.getresponse()
        if response.status in REDIRECTS:
            return response.status, response.getheader("Location", ""), b""
        if not 200 <= response.status < 300:
            raise FetchError(f"{url[:100]}: HTTP Error {response.status}: {response.reason}")
        return response.status, "", _read(response, connection, max_bytes, deadline, url)
    except (OSError, http.client.HTTPException) as exc:  # DNS, TLS, timeouts, resets
        raise FetchError(f"{url[:100]}: {exc}") from exc
    finally:
        connection.close()


def checked_address(host, port):
    """The address to connect to for `host`: resolved once; refused unless every answer
    is public (a name answering public then private is refused whole)."""
    try:
        answers = resolve(host, port)
    except OSError as exc:
        raise FetchError(f"{host}: {exc}") from exc
    if not answers:
        raise FetchError(f"{host}: no address")
    for address in answers:
        if not is_public(address):
            raise FetchError(f"Refused {host}: it is not a public address ({address})")
    return answers[0]


def resolve(host, port):
    """Every address `host` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_public(address):
    """False for loopback, private, link-local, reserved, multicast and unspecified
    addresses (IPv4-mapped IPv6 judged by the IPv4 inside)."""
    if address in TEST_ADDRESSES:
        return True
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def tls_context():
    return ssl.create_default_context()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address checked beforehand, with `host` for SNI, the certificate and
    the Host header."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self.checked_address = address

    def connect(self):
        sock = socket.create_connection((self.checked_address, self.port), self.timeout)
        self.sock = self.pinned_sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _read(response, connection, max_bytes, deadline, url):
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url[:100]}: larger than {max_bytes} bytes")
    chunks, size = [], 0
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url[:100]}: larger than {max_bytes} bytes")
        chunks.append(chunk)
        connection.pinned_sock.settimeout(_remaining(deadline, url))
    return b"".join(chunks)


def _remaining(deadline, url):
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url[:100]}: took too long")
    return left
