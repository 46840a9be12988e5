"""The publisher's standards in structured data: the demo's own pages give the
NewsMediaOrganization every policy link search engines and readers look for."""

import json
import re

import pytest

from demo.support_pages import load_support_pages
from support.models import Page
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
STANDARDS = {
    "masthead": ("/masthead/", "Masthead"),
    "correctionsPolicy": ("/corrections-policy/", "Corrections policy"),
    "ethicsPolicy": ("/ethics/", "Ethics policy"),
    "publishingPrinciples": ("/publishing-principles/", "Publishing principles"),
    "verificationFactCheckingPolicy": ("/verification/", "Verification and fact-checking"),
    "actionableFeedbackPolicy": ("/feedback-policy/", "Your feedback"),
}
JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


def json_ld_nodes(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    nodes = []
    for block in JSON_LD.findall(response.content.decode()):
        data = json.loads(block)
        nodes.extend(data.get("@graph", [data]))
    return nodes


def assert_standards(client, organization):
    assert organization["@type"] == "NewsMediaOrganization"
    for prop, (path, title) in STANDARDS.items():
        assert organization[prop] == SITE + path, prop
        page = client.get(path)
        assert page.status_code == 200, path
        assert f">{title}</h1>" in page.content.decode(), path
    assert organization["ownershipFundingInfo"] == f"{SITE}/support/"


def test_front_page_organization_links_every_standards_page(client):
    load_support_pages()
    nodes = json_ld_nodes(client, "/")
    (organization,) = [n for n in nodes if n["@type"] == "NewsMediaOrganization"]
    assert_standards(client, organization)


def test_article_publisher_links_every_standards_page(client):
    load_support_pages()
    article = ArticleFactory()
    nodes = json_ld_nodes(client, article.get_absolute_url())
    (news,) = [n for n in nodes if n["@type"] == "NewsArticle"]
    assert_standards(client, news["publisher"])


def test_an_unpublished_standards_page_is_left_out(client):
    load_support_pages()

    Page.objects.filter(slug="verification").update(is_published=False)
    nodes = json_ld_nodes(client, "/")
    (organization,) = [n for n in nodes if n["@type"] == "NewsMediaOrganization"]
    assert "verificationFactCheckingPolicy" not in organization
    assert organization["masthead"] == f"{SITE}/masthead/"
