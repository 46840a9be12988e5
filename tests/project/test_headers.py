"""Security headers on every kind of page, with production's security settings, and the
endpoint that logs Content-Security-Policy violations."""

import json
import logging

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

PRODUCTION_SECURITY = {
    "DEBUG": False,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}

EXPECTED = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Reporting-Endpoints": 'csp-endpoint="/csp-report/"',
    "Cross-Origin-Resource-Policy": "same-origin",
}


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION_SECURITY.items():
        setattr(settings, name, value)


def csp(response):
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }


def assert_security_headers(response):
    for header, value in EXPECTED.items():
        assert response.get(header) == value, header
    policy = csp(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["report-uri"] == ["/csp-report/"]
    assert policy["report-to"] == ["csp-endpoint"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "geolocation", "microphone", "payment", "usb"):
        assert f"{feature}=()" in permissions
    return policy


def test_reader_page_carries_every_security_header(client, production):
    article = ArticleFactory()

    response = client.get(article.get_absolute_url(), secure=True)

    assert response.status_code == 200
    policy = assert_security_headers(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["img-src"] == ["'self'"]


def test_admin_page_carries_every_security_header(client, production):
    client.force_login(StaffFactory())

    response = client.get("/admin/", secure=True)

    assert response.status_code == 200
    policy = assert_security_headers(response)
    assert policy["img-src"] == ["'self'", "data:"]  # CKEditor's upload placeholders


def test_not_found_page_carries_every_security_header(client, production):
    response = client.get("/no-such-page/", secure=True)

    assert response.status_code == 404
    assert_security_headers(response)


def test_a_refused_control_character_answers_a_branded_400_with_every_header(client, production):
    response = client.get("/search/?q=frigate%00", secure=True)

    assert response.status_code == 400
    assert_security_headers(response)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "<title>Bad request | Defence Blog</title>" in html
    assert "characters that are not allowed" in html
    assert 'href="/"' in html  # a way back to the front page


def test_an_oversized_admin_post_answers_a_branded_400_with_every_header(
    client, production, settings
):
    client.force_login(StaffFactory(is_superuser=True))
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(
        "/admin/articles/article/add/", {"title": "Big", "body": too_big}, secure=True
    )

    assert response.status_code == 400
    assert_security_headers(response)
    html = response.content.decode()
    assert "<title>Bad request | Defence Blog</title>" in html
    assert "too large" in html
    assert "Bad Request (400)" not in html


def test_plain_http_is_sent_to_https(client, production):
    response = client.get("/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


# --- CSP violation reports ---------------------------------------------------------------

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://news.example.org/2026/01/02/frigate/",
        "violated-directive": "img-src",
        "blocked-uri": "https://tracker.example.net/pixel.gif",
        "source-file": "https://news.example.org/2026/01/02/frigate/",
        "line-number": 12,
    }
}
REPORT_TO_BODY = [
    {
        "type": "csp-violation",
        "url": "https://news.example.org/",
        "body": {
            "documentURL": "https://news.example.org/",
            "effectiveDirective": "script-src-elem",
            "blockedURL": "inline",
            "sourceFile": "https://news.example.org/",
            "lineNumber": 3,
        },
    }
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The reports' rate limit is counted in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def csp_log(caplog):
    caplog.set_level(logging.WARNING, logger="csp")
    return caplog


def test_report_uri_violation_is_logged(client, csp_log):
    response = client.post(
        "/csp-report/", json.dumps(REPORT_URI_BODY), content_type="application/csp-report"
    )

    assert response.status_code == 204
    assert (
        "CSP violation on https://news.example.org/2026/01/02/frigate/: img-src blocked "
        "https://tracker.example.net/pixel.gif" in csp_log.text
    )


def test_report_to_violation_is_logged(client, csp_log):
    response = client.post(
        "/csp-report/", json.dumps(REPORT_TO_BODY), content_type="application/reports+json"
    )

    assert response.status_code == 204
    assert "CSP violation on https://news.example.org/: script-src-elem blocked inline" in (
        csp_log.text
    )


def test_reports_over_the_rate_limit_are_not_logged(client, csp_log, settings, time_machine):
    time_machine.move_to("2026-03-02 12:00:05", tick=False)  # one minute's window
    settings.CSP_REPORT_RATE_LIMIT = 2
    body = json.dumps(REPORT_URI_BODY)

    statuses = [
        client.post("/csp-report/", body, content_type="application/csp-report").status_code
        for _ in range(4)
    ]

    assert statuses == [204, 204, 429, 429]
    assert csp_log.text.count("CSP violation") == 2


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe\x00", b"[]", b"{}", b'{"csp-report": "x"}', b"[1, null]"],
)
def test_junk_reports_are_refused_and_not_logged(client, csp_log, body):
    response = client.post("/csp-report/", body, content_type="application/csp-report")

    assert response.status_code == 400
    assert "CSP violation" not in csp_log.text


def test_oversized_report_is_refused(client):
    body = json.dumps({"csp-report": {"document-uri": "x" * 100_000}})

    response = client.post("/csp-report/", body, content_type="application/csp-report")

    assert response.status_code == 413


def test_reports_are_posted_not_fetched(client):
    assert client.get("/csp-report/").status_code == 405


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(st.text(max_size=12), children, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_any_report_body_is_never_a_server_error(client, body):
    response = client.post("/csp-report/", body, content_type="application/reports+json")

    assert response.status_code in {204, 400, 413, 429}
