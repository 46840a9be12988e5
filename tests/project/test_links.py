"""core.links.absolute_url: the one way feeds, sitemaps, canonical links and structured
data turn a path into an address on the public site."""

from core.links import absolute_url


def test_path_becomes_an_address_on_the_configured_site(settings):
    settings.SITE_URL = "https://news.example.org"
    assert absolute_url("/about/") == "https://news.example.org/about/"


def test_addresses_that_are_already_absolute_pass_unchanged(settings):
    settings.SITE_URL = "https://news.example.org"
    assert absolute_url("https://cdn.example.net/a.jpg") == "https://cdn.example.net/a.jpg"
    assert absolute_url("http://partner.example/story") == "http://partner.example/story"
