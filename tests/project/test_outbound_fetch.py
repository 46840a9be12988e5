"""Server-side fetches (core/fetch.py) cannot be steered into our own network: a real TLS
server on a loopback address stands in for a provider, and a patched resolver answers for
the made-up host names. Only 127.0.0.2 (the stand-in provider) counts as public here;
127.0.0.1, 10/8 and 169.254/16 stay what they are."""

import ast
import datetime
import http.server
import ipaddress
import socket
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core import fetch
from embeds import http as embeds_http

PROVIDER = "127.0.0.2"
NAMES = ["embed.test", "flip.test", "rebind.test", "internal.test", "localhost"]


def _certificates(tmp_path):
    """A throwaway CA and a server certificate it signed for NAMES: (CA file, cert, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fetch test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names = [x509.DNSName(n) for n in NAMES] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in (PROVIDER, "127.0.0.1")
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "embed.test")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = [tmp_path / n for n in ("ca.pem", "cert.pem", "key.pem")]
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class Provider(http.server.BaseHTTPRequestHandler):
    """/ok: a small JSON answer; /big: 2 MB; /go?to=<url>: a 302 there. Records each
    request's path and Host header on the server."""

    def do_GET(self):
        self.server.seen.append((self.path, self.headers["Host"]))
        if self.path.startswith("/go?to="):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/go?to="))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"title": "internal secret"}' if self.path == "/ok" else b"x" * 2_000_000
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()  # no Content-Length: the size is only known by reading
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(tmp_path, monkeypatch):
    """A TLS server on 127.0.0.2 trusted through a test CA, the resolver patched for the
    test names, and 127.0.0.2 counted as public. Yields the server (its `seen` list and
    `base(host)` for URLs); `server.lookups` counts resolver calls per name."""
    ca_file, cert_file, key_file = _certificates(tmp_path)
    server = http.server.ThreadingHTTPServer((PROVIDER, 0), Provider)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.seen, server.lookups = [], {}
    port = server.server_address[1]
    server.base = lambda host: f"https://{host}:{port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()

    answers = {
        "embed.test": [[PROVIDER]],
        "internal.test": [["127.0.0.1"]],
        "rebind.test": [[PROVIDER, "10.0.0.7"]],  # public first, private second
        "flip.test": [[PROVIDER], ["127.0.0.1"]],  # public when checked, then loopback
    }
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        calls = server.lookups[host] = server.lookups.get(host, 0) + 1
        addresses = answers[host][min(calls, len(answers[host])) - 1]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch, "TEST_ADDRESSES", frozenset({PROVIDER}))
    monkeypatch.setattr(fetch, "tls_context", lambda: ssl.create_default_context(cafile=ca_file))
    yield server
    server.shutdown()
    server.server_close()


def test_a_public_provider_is_fetched_by_its_checked_address_with_its_name(provider):
    body = embeds_http.get(provider.base("embed.test") + "/ok")
    assert body == b'{"title": "internal secret"}'
    port = provider.server_address[1]
    assert provider.seen == [("/ok", f"embed.test:{port}")]  # Host keeps the name (and SNI)


def test_a_redirect_to_loopback_is_refused(provider):
    for target in ("https://internal.test:{port}/ok", "https://127.0.0.1:{port}/ok"):
        url = (
            provider.base("embed.test") + "/go?to=" + target.format(port=provider.server_address[1])
        )
        with pytest.raises(embeds_http.FetchError, match="not a public address"):
            embeds_http.get(url)
    assert [path.split("?")[0] for path, _ in provider.seen] == ["/go", "/go"]  # never "/ok"


def test_a_redirect_to_the_cloud_metadata_address_is_refused(provider):
    url = provider.base("embed.test") + "/go?to=https://169.254.169.254/latest/meta-data/"
    with pytest.raises(embeds_http.FetchError, match="169.254.169.254"):
        embeds_http.get(url)
    assert len(provider.seen) == 1  # the first hop was asked; the second never


def test_a_name_answering_public_then_private_is_refused(provider):
    with pytest.raises(embeds_http.FetchError, match="10.0.0.7"):
        embeds_http.get(provider.base("rebind.test") + "/ok")
    assert provider.seen == []


def test_a_rebinding_name_is_resolved_once_and_the_checked_address_used(provider):
    """flip.test is public when checked and loopback on any later look-up: the connection
    must go to the address that was checked, not to a second answer."""
    embeds_http.get(provider.base("flip.test") + "/ok")
    assert provider.lookups["flip.test"] == 1
    assert [path for path, _ in provider.seen] == ["/ok"]


def test_an_http_hop_is_refused(provider):
    target = f"http://embed.test:{provider.server_address[1]}/ok"
    with pytest.raises(embeds_http.FetchError, match="non-https"):
        embeds_http.get(provider.base("embed.test") + "/go?to=" + target)
    assert [path for path, _ in provider.seen] == ["/go?to=" + target]


def test_redirects_are_few(provider):
    url = provider.base("embed.test") + "/ok"
    for _ in range(fetch.MAX_REDIRECTS + 1):
        url = provider.base("embed.test") + "/go?to=" + url
    with pytest.raises(embeds_http.FetchError, match="redirects"):
        embeds_http.get(url)


def test_the_body_is_capped(provider):
    with pytest.raises(embeds_http.FetchError, match="larger than"):
        embeds_http.get(provider.base("embed.test") + "/big", max_bytes=1_000_000)


def test_the_whole_exchange_is_bounded_in_time(provider, monkeypatch):
    silent = socket.socket()
    silent.bind((PROVIDER, 0))
    silent.listen()  # accepts the TCP connection, never answers the TLS handshake
    monkeypatch.setattr(embeds_http, "TIMEOUT", 0.5)
    try:
        with pytest.raises(embeds_http.FetchError, match="timed out"):
            embeds_http.get(f"https://embed.test:{silent.getsockname()[1]}/ok")
    finally:
        silent.close()


NETWORK_MODULES = {"urllib.request", "http.client", "requests", "httpx", "urllib3", "aiohttp"}
APPS = [
    "accounts",
    "articles",
    "authors",
    "core",
    "defenceblog",
    "demo",
    "embeds",
    "feedback",
    "liveblog",
    "newsletter",
    "planning",
    "support",
    "wordpress",
]


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_no_project_code_but_the_fetcher_opens_http_connections():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            # core.edge sends PURGE to the operator's own Varnish (VARNISH_PURGE_URLS),
            # never to an address that came from content or a reader.
            if path in (root / "core" / "fetch.py", root / "core" / "edge.py"):
                continue
            for name in _imports(ast.parse(path.read_text(), str(path))):
                if any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES):
                    offenders.append(f"{path.relative_to(root)}: {name}")
    assert offenders == [], "outbound requests go through core.fetch.get"
