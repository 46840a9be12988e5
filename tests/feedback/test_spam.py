import hashlib

import pytest
from django.test import RequestFactory

from core import spam

rf = RequestFactory()


def request_from(address, **meta):
    return rf.post("/feedback/report/", REMOTE_ADDR=address, **meta)


def test_client_hash_is_a_salted_sha256_never_the_address(settings):
    settings.FEEDBACK_HASH_SALT = "pepper"

    hashed = spam.client_hash(request_from("203.0.113.5"))

    assert hashed == hashlib.sha256(b"pepper:203.0.113.5").hexdigest()
    assert hashed != hashlib.sha256(b"203.0.113.5").hexdigest()
    assert "203.0.113.5" not in hashed


def test_client_hash_depends_on_the_salt_which_defaults_to_one_from_the_secret_key(settings):
    settings.FEEDBACK_HASH_SALT = ""
    first = spam.client_hash(request_from("203.0.113.5"))
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    second = spam.client_hash(request_from("203.0.113.5"))

    assert first != second
    assert first != hashlib.sha256(b":203.0.113.5").hexdigest()


def test_same_client_same_hash_different_clients_different_hashes():
    assert spam.client_hash(request_from("203.0.113.5")) == spam.client_hash(
        request_from("203.0.113.5")
    )
    assert spam.client_hash(request_from("203.0.113.5")) != spam.client_hash(
        request_from("203.0.113.6")
    )


def test_ipv6_clients_are_counted_per_64_network():
    one = spam.client_address(request_from("2001:db8:1:2::10"))
    same_home = spam.client_address(request_from("2001:db8:1:2:aaaa::1"))
    neighbour = spam.client_address(request_from("2001:db8:1:3::10"))

    assert one == same_home == "2001:db8:1:2::/64"
    assert neighbour != one
    assert spam.client_address(request_from("::ffff:203.0.113.5")) == "203.0.113.5"


def test_proxy_header_is_used_only_when_configured(settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.99, 203.0.113.5"}

    settings.FEEDBACK_CLIENT_IP_HEADER = ""
    assert spam.client_address(request_from("10.0.0.2", **forwarded)) == "10.0.0.2"

    settings.FEEDBACK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    # The last entry is the one our proxy added; the first is whatever the client claimed.
    assert spam.client_address(request_from("10.0.0.2", **forwarded)) == "203.0.113.5"
    assert spam.client_address(request_from("10.0.0.2")) == "10.0.0.2"


def test_garbage_address_is_one_unknown_client():
    assert spam.client_address(request_from("not-an-ip")) == "unknown"


@pytest.mark.parametrize(
    ("age", "problem"),
    [
        (0, "quicker than a person"),
        (2, "quicker than a person"),
        (3, None),
        (3600, None),
        (6 * 3600 + 1, "open for a long time"),
    ],
)
def test_form_token_accepts_only_a_human_pace(age, problem):
    token = spam.form_token(now=1_000_000)

    if problem is None:
        spam.check_form_token(token, now=1_000_000 + age)
    else:
        with pytest.raises(spam.TokenProblem, match=problem):
            spam.check_form_token(token, now=1_000_000 + age)


@pytest.mark.parametrize("token", ["", "1000000", "1000000:forged:signature", None])
def test_form_token_must_be_one_we_signed(token):
    with pytest.raises(spam.TokenProblem, match="Something went wrong"):
        spam.check_form_token(token, now=1_000_100)


def test_rate_limit_counts_submissions_per_client(settings):
    settings.FEEDBACK_RATE_LIMIT = 3

    results = [spam.rate_limited("client-a") for _ in range(4)]

    assert results == [False, False, False, True]
    assert spam.rate_limited("client-b") is False


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("No links here.", 0),
        ("See https://example.org and http://example.net", 2),
        ("www.example.org [url=x]y[/url] <a href='z'>", 3),
    ],
)
def test_links_are_counted(text, links):
    assert spam.count_links(text) == links
