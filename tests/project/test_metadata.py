"""Head metadata and structured data: canonical links, titles and descriptions, sharing
cards, robots directives, rel=prev/next and JSON-LD, parsed and checked field by field."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Correction
from authors.models import AuthorLink
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    PageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


class Head(HTMLParser):
    """Collects <title>, <meta>, <link> and JSON-LD scripts."""

    def __init__(self, html):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld, self.script_attrs = "", {}, [], [], []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs.get("property"), []).append(
                attrs.get("content")
            )
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.script_attrs.append(attrs)

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld.append(json.loads(data))

    def link(self, rel):
        return [link["href"] for link in self.links if link.get("rel") == rel]

    def one(self, name):
        values = self.meta.get(name, [])
        assert len(values) == 1, (name, values)
        return values[0]

    def nodes(self):
        """Every JSON-LD node, @graph flattened, by @type."""
        found = {}
        for block in self.json_ld:
            assert block["@context"] == "https://schema.org"
            for node in block.get("@graph", [block]):
                found.setdefault(node["@type"], []).append(node)
        return found


def head(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return Head(response.content.decode())


@pytest.fixture
def article():
    PageFactory(slug="masthead", title="Masthead")
    PageFactory(slug="corrections-policy", title="Corrections policy")
    PageFactory(slug="ethics", title="Ethics policy")
    section = SectionFactory(name="Naval", slug="naval")
    hana = AuthorFactory(name="Hana Okafor", slug="hana-okafor", role="Executive Editor")
    tomas = AuthorFactory(name="Tomas Reyes", slug="tomas-reyes", role="")
    article = ArticleFactory(
        title="Frigate sea trials begin",
        standfirst="The first ship leaves harbour for trials.",
        section=section,
        lead_image=ImageFactory(alt_text="A frigate at sea"),
        authors=[hana, tomas],
        tags=["Frigates", "Sea trials"],
    )
    article.content_updated_at = article.published_at + timedelta(minutes=30)
    article.save()
    Correction.objects.create(
        article=article,
        text="An earlier version misnamed the shipyard.",
        published_at=article.published_at + timedelta(minutes=40),
    )
    Correction.objects.create(
        article=article, text="Not yet public.", published_at=timezone.now() + timedelta(days=1)
    )
    return article


# --- Article pages -------------------------------------------------------------------


def test_article_news_article_json_ld_has_every_required_field(client, article):
    page = head(client, article.get_absolute_url())
    nodes = page.nodes()
    news = nodes["NewsArticle"][0]
    url = SITE + article.get_absolute_url()

    assert news["headline"] == "Frigate sea trials begin"
    assert news["description"] == "The first ship leaves harbour for trials."
    assert news["url"] == url
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["datePublished"] == article.published_at.isoformat()
    assert (
        news["dateModified"] == article.modified_for_readers.isoformat()
    )  # newest correction counts
    assert news["articleSection"] == "Naval"
    assert news["keywords"] == ["Frigates", "Sea trials"]
    assert [a["name"] for a in news["author"]] == ["Hana Okafor", "Tomas Reyes"]
    assert news["author"][0] == {
        "@type": "Person",
        "@id": f"{SITE}/author/hana-okafor/#person",
        "name": "Hana Okafor",
        "url": f"{SITE}/author/hana-okafor/",
        "jobTitle": "Executive Editor",
    }
    assert len(news["image"]) == 3
    assert all(image.startswith(SITE + "/media/") for image in news["image"])
    assert len(set(news["image"])) == 3  # 16:9, 4:3 and 1:1 crops


def test_article_json_ld_names_the_publisher_and_its_policies(client, article):
    publisher = head(client, article.get_absolute_url()).nodes()["NewsArticle"][0]["publisher"]

    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == "Defence Blog"
    assert publisher["logo"]["url"] == f"{SITE}/static/img/logo.png"
    assert publisher["logo"]["width"] == publisher["logo"]["height"] == 512
    assert publisher["correctionsPolicy"] == f"{SITE}/corrections-policy/"
    assert publisher["ethicsPolicy"] == f"{SITE}/ethics/"
    assert publisher["masthead"] == f"{SITE}/masthead/"
    assert publisher["ownershipFundingInfo"] == f"{SITE}/support/"


def test_policy_links_point_only_at_published_pages(client, article):
    from support.models import Page

    Page.objects.filter(slug="ethics").update(is_published=False)
    publisher = head(client, article.get_absolute_url()).nodes()["NewsArticle"][0]["publisher"]
    assert "ethicsPolicy" not in publisher and "correctionsPolicy" in publisher


def test_each_published_correction_is_a_correction_comment(client, article):
    news = head(client, article.get_absolute_url()).nodes()["NewsArticle"][0]
    correction = Correction.objects.get(text__startswith="An earlier")

    assert news["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misnamed the shipyard.",
            "datePublished": correction.published_at.isoformat(),
            "url": f"{SITE}{article.get_absolute_url()}#correction-{correction.pk}",
            "name": "Correction",
        }
    ]


def test_article_breadcrumbs_go_home_section_article(client, article):
    crumbs = head(client, article.get_absolute_url()).nodes()["BreadcrumbList"][0]
    assert [(i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
        (1, "Defence Blog", f"{SITE}/"),
        (2, "Naval", f"{SITE}/section/naval/"),
        (3, "Frigate sea trials begin", f"{SITE}{article.get_absolute_url()}"),
    ]


def test_article_title_description_canonical_and_sharing_cards(client, article):
    page = head(client, article.get_absolute_url())
    url = SITE + article.get_absolute_url()
    image = article.lead_image

    assert page.title == "Frigate sea trials begin | Defence Blog"
    assert page.one("description") == "The first ship leaves harbour for trials."
    assert page.link("canonical") == [url]
    assert page.one("og:type") == "article"
    assert page.one("og:url") == url
    assert page.one("og:image") == SITE + image.crop_16x9.url
    assert (page.one("og:image:width"), page.one("og:image:height")) == ("1200", "675")
    assert page.one("og:image:alt") == "A frigate at sea"
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:image") == SITE + image.crop_16x9.url
    assert page.meta["article:tag"] == ["Frigates", "Sea trials"]
    assert page.meta["article:author"] == [
        f"{SITE}/author/hana-okafor/",
        f"{SITE}/author/tomas-reyes/",
    ]
    assert "robots" not in page.meta and "googlebot-news" not in page.meta


def test_crops_are_large_jpegs_at_the_three_ratios(article):
    from PIL import Image as PILImage

    for name, size in article.lead_image.CROPS.items():
        spec = getattr(article.lead_image, name)
        with spec.storage.open(spec.name) as handle, PILImage.open(handle) as picture:
            assert (picture.format, picture.size) == ("JPEG", size)


def test_seo_fields_override_title_and_description(client):
    article = ArticleFactory(seo_title="Short SEO title", seo_description="SEO text.")
    page = head(client, article.get_absolute_url())
    assert page.title == "Short SEO title | Defence Blog"
    assert page.one("description") == page.one("og:description") == "SEO text."
    assert page.one("og:title") == "Short SEO title"


def test_description_falls_back_to_the_opening_of_the_body(client):
    article = ArticleFactory(standfirst="", body="<p>The yard &amp; the <b>navy</b> agreed.</p>")
    page = head(client, article.get_absolute_url())
    assert page.one("description") == "The yard & the navy agreed."
    assert page.nodes()["NewsArticle"][0]["description"] == "The yard & the navy agreed."


def test_canonical_url_override_is_honoured(client):
    article = ArticleFactory(canonical_url="https://partner.example/original-story")
    page = head(client, article.get_absolute_url())
    assert page.link("canonical") == ["https://partner.example/original-story"]
    news = page.nodes()["NewsArticle"][0]
    assert news["mainEntityOfPage"]["@id"] == "https://partner.example/original-story"


def test_excluded_article_tells_google_news_not_to_index_it(client):
    article = ArticleFactory(exclude_from_news=True)
    page = head(client, article.get_absolute_url())
    assert page.one("googlebot-news") == "noindex"
    assert "robots" not in page.meta


def test_drafts_and_scheduled_work_are_noindex_for_staff(staff_client):
    for article in (
        ArticleFactory(status="draft", published_at=None),
        ArticleFactory(published_at=timezone.now() + timedelta(days=1)),
    ):
        page = head(staff_client, article.get_absolute_url())
        assert page.one("robots") == "noindex, nofollow"
        assert page.json_ld == []  # no structured data for work readers cannot see


def test_json_ld_cannot_break_out_of_its_script_and_carries_the_csp_nonce(client):
    article = ArticleFactory(title="Tanks </script><script>alert(1)</script> & more")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    block = html.split('<script type="application/ld+json"')[1].split("</script>")[0]

    assert "<" not in block.split(">", 1)[1]
    assert "\\u003C/script\\u003E" in block
    page = Head(html)
    assert page.nodes()["NewsArticle"][0]["headline"].startswith("Tanks </script>")
    nonce = page.script_attrs[0]["nonce"]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


# --- Other pages ---------------------------------------------------------------------


def test_front_page_has_website_with_search_action_and_the_publisher(client):
    nodes = head(client, "/").nodes()
    website = nodes["WebSite"][0]
    assert website["url"] == f"{SITE}/"
    assert website["potentialAction"] == {
        "@type": "SearchAction",
        "target": {
            "@type": "EntryPoint",
            "urlTemplate": f"{SITE}/search/?q={{search_term_string}}",
        },
        "query-input": "required name=search_term_string",
    }
    assert website["publisher"] == {"@id": f"{SITE}/#organization"}
    assert nodes["NewsMediaOrganization"][0]["@id"] == f"{SITE}/#organization"


def test_front_and_author_pages_link_the_publishers_published_policies(client):
    PageFactory(slug="masthead", title="Masthead")
    PageFactory(slug="ethics", title="Ethics policy", is_published=False)
    AuthorFactory(slug="hana")

    for url in ("/", "/author/hana/"):
        publisher = head(client, url).nodes()["NewsMediaOrganization"][0]
        assert publisher["masthead"] == f"{SITE}/masthead/", url
        assert publisher["ownershipFundingInfo"] == f"{SITE}/support/", url
        assert "ethicsPolicy" not in publisher and "correctionsPolicy" not in publisher, url


def test_author_page_is_a_profile_page_with_a_person(client):
    author = AuthorFactory(
        name="Hana Okafor", slug="hana", role="Executive Editor", short_bio="Leads the desk."
    )
    AuthorLink.objects.create(author=author, label="Mastodon", url="https://social.example/@hana")
    nodes = head(client, "/author/hana/").nodes()
    profile = nodes["ProfilePage"][0]
    person = profile["mainEntity"]

    assert profile["url"] == f"{SITE}/author/hana/"
    assert profile["dateModified"] == author.modified.isoformat()
    assert person["@type"] == "Person"
    assert person["name"] == "Hana Okafor"
    assert person["jobTitle"] == "Executive Editor"
    assert person["description"] == "Leads the desk."
    assert person["sameAs"] == ["https://social.example/@hana"]
    assert person["worksFor"] == {"@id": f"{SITE}/#organization"}
    crumbs = nodes["BreadcrumbList"][0]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Defence Blog", "Authors", "Hana Okafor"]


def test_section_and_tag_pages_have_breadcrumbs(client):
    ArticleFactory(section=SectionFactory(name="Air", slug="air"), tags=["Drones"])
    section = head(client, "/section/air/").nodes()["BreadcrumbList"][0]["itemListElement"]
    tag = head(client, "/tag/drones/").nodes()["BreadcrumbList"][0]["itemListElement"]
    assert section[-1] == {
        "@type": "ListItem",
        "position": 2,
        "name": "Air",
        "item": f"{SITE}/section/air/",
    }
    assert tag[-1]["item"] == f"{SITE}/tag/drones/"


def test_paginated_listings_link_prev_and_next_and_canonicalise_each_page(client):
    section = SectionFactory(slug="land")
    for _ in range(45):
        ArticleFactory(section=section)

    first = head(client, "/section/land/")
    (older_url,) = first.link("next")
    assert older_url.startswith(f"{SITE}/section/land/?before=")
    second = head(client, "/section/land/", data={"before": older_url.split("=")[1]})
    (oldest_url,) = second.link("next")
    third = head(client, "/section/land/", data={"before": oldest_url.split("=")[1]})
    old_second = head(client, "/section/land/", data={"page": 2})

    assert first.link("prev") == []
    assert second.link("prev") == [f"{SITE}/section/land/"]
    assert third.link("next") == []
    assert first.link("canonical") == [f"{SITE}/section/land/"]
    assert second.link("canonical") == [older_url]
    assert old_second.link("canonical") == [f"{SITE}/section/land/?page=2"]
    assert old_second.link("next") == [oldest_url]  # page 2 by OFFSET ends where key 2 does
