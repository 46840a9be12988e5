"""`manage.py import_wordpress`: WordPress exports become articles, images, authors, pages
and redirects — safely, repeatably, and without ever reaching for the network."""

import io
import os
import re
import shutil
import tempfile
import unittest
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from PIL import Image as PILImage
from taggit.models import Tag

from articles.management.commands.import_wordpress import Progress, page_model
from articles.models import Article, ArticleRedirect, Image, Section
from articles.wordpress import (
    Attachment,
    ImageRef,
    WXRError,
    WXRItem,
    WXRSite,
    convert_content,
    read_export,
    same_html,
    split_credit,
    uploads_path,
    wpautop,
)
from authors.models import Author

DATA = Path(__file__).parent / "data"
THEME_EXPORT = (
    Path(settings.BASE_DIR).parent / "shared/data/wordpress/themeunittestdata.wordpress.xml"
)
SITE = "https://harbourwatch.example"


def run_import(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write_jpeg(path, width=800, height=600, color=(40, 90, 150)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (width, height), color).save(path, "JPEG")


def counts_line(report, kind):
    """[created, updated, unchanged, skipped, failed, missing media] for one kind."""
    line = next(line for line in report.splitlines() if line.startswith(kind + " "))
    return [int(n) for n in line.split()[1:]]


# ---------------------------------------------------------------------------------------
# A small export written in each test
# ---------------------------------------------------------------------------------------

AUTHORS = """
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jdoe]]></wp:author_login>
<wp:author_email><![CDATA[jdoe@harbourwatch.example]]></wp:author_email>
<wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name>
<wp:author_first_name><![CDATA[Jane]]></wp:author_first_name>
<wp:author_last_name><![CDATA[Doe]]></wp:author_last_name>
<wp:author_description><![CDATA[Jane covers naval shipbuilding and the ports.]]>
</wp:author_description>
</wp:author>
<wp:author><wp:author_id>2</wp:author_id><wp:author_login>mlee</wp:author_login>
<wp:author_display_name><![CDATA[Min Lee]]></wp:author_display_name>
</wp:author>
"""
CATEGORIES = """
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>defence</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Defence]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>naval</wp:category_nicename>
<wp:category_parent>defence</wp:category_parent><wp:cat_name><![CDATA[Naval]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>submarines</wp:category_nicename>
<wp:category_parent>naval</wp:category_parent><wp:cat_name><![CDATA[Submarines]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>opinion</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Opinion]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>uncategorized</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Uncategorized]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>frigates</wp:tag_slug><wp:tag_name><![CDATA[Frigates]]></wp:tag_name></wp:tag>
"""


def item(
    post_id,
    *,
    post_type="post",
    title="Frigate leaves harbour",
    status="publish",
    date="2024-03-05 09:30:00",
    gmt=None,
    name=None,
    content="The frigate sailed at dawn.",
    excerpt="",
    creator="jdoe",
    link=None,
    parent=0,
    password="",
    sticky=0,
    terms=(),
    meta=None,
    attachment_url="",
    menu_order=0,
):
    name = f"post-{post_id}" if name is None else name
    day = date.split()[0].replace("-", "/")
    link = link if link is not None else f"{SITE}/{day}/{name}/"
    gmt = date if gmt is None else gmt
    terms_xml = "".join(
        f'<category domain="{domain}" nicename="{nicename}"><![CDATA[{label}]]></category>'
        for domain, nicename, label in terms
    )
    meta_xml = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, values in (meta or {}).items()
        for value in (values if isinstance(values, list) else [values])
    )
    attachment = (
        f"<wp:attachment_url>{attachment_url}</wp:attachment_url>" if attachment_url else ""
    )
    post_id_xml = f"<wp:post_id>{post_id}</wp:post_id>" if post_id is not None else ""
    return f"""
<item>
<title>{title}</title>
<link>{link}</link>
<guid isPermaLink="false">{SITE}/?p={post_id}</guid>
<dc:creator><![CDATA[{creator}]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
{post_id_xml}
<wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt>
<wp:post_name>{name}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_parent>{parent}</wp:post_parent>
<wp:menu_order>{menu_order}</wp:menu_order>
<wp:post_type>{post_type}</wp:post_type>
<wp:post_password>{password}</wp:post_password>
<wp:is_sticky>{sticky}</wp:is_sticky>
{attachment}{terms_xml}{meta_xml}
</item>"""


def wxr(*items, version="1.2", authors=AUTHORS, categories=CATEGORIES):
    ns = f"http://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{ns}">
<channel>
<title>Harbour Watch</title>
<link>{SITE}</link>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>{SITE}</wp:base_site_url>
<wp:base_blog_url>{SITE}</wp:base_blog_url>
{authors}{categories}{"".join(items)}
</channel>
</rss>"""


@pytest.fixture
def export_file(tmp_path):
    def write(*items, **kwargs):
        path = tmp_path / "export.xml"
        path.write_text(wxr(*items, **kwargs), encoding="utf-8")
        return path

    return write


@pytest.fixture
def media_dir(tmp_path):
    root = tmp_path / "uploads"
    write_jpeg(root / "2024/03/frigate.jpg", 1200, 800)
    write_jpeg(root / "2024/03/crew.jpg", 640, 480, (120, 40, 40))
    (root / "2024/03/broken.jpg").write_bytes(b"this is not a picture")
    return root


def frigate_attachments():
    return [
        item(
            201,
            post_type="attachment",
            title="frigate",
            status="inherit",
            parent=101,
            name="frigate",
            link=f"{SITE}/2024/03/05/frigate-leaves-harbour/frigate/",
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/frigate.jpg",
            excerpt="A frigate leaves harbour (Photo: Navy Press Office)",
            meta={"_wp_attachment_image_alt": "Grey frigate at sea"},
            menu_order=1,
        ),
        item(
            202,
            post_type="attachment",
            title="crew",
            status="inherit",
            parent=101,
            name="crew",
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/crew.jpg",
            excerpt="The crew on deck",
            meta={"_wp_attachment_image_alt": "Sailors lined up on deck"},
            menu_order=2,
        ),
        item(
            203,
            post_type="attachment",
            title="dock",
            status="inherit",
            parent=101,
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/dock.jpg",
            menu_order=3,
        ),
        item(
            204,
            post_type="attachment",
            title="broken",
            status="inherit",
            parent=0,
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/broken.jpg",
        ),
    ]


UPLOADS = f"{SITE}/wp-content/uploads/2024/03"
FRIGATE_BODY = (
    "The frigate left the harbour at dawn on Tuesday.\nCrowds watched from the breakwater.\n\n"
    f'[caption id="attachment_201" align="aligncenter" width="300"]<a href="{UPLOADS}/frigate.jpg">'
    f'<img class="size-medium wp-image-201" src="{UPLOADS}/frigate-300x200.jpg" '
    'alt="Frigate at sea" width="300" height="200" /></a> '
    "The frigate passes the breakwater (Photo: Navy Press Office)[/caption]\n\n"
    "https://www.youtube.com/watch?v=abc123XYZ\n\n"
    "[gallery]\n\n"
    f'<img src="{UPLOADS}/dock-1024x768.jpg" alt="The dock" />\n\n'
    '<script>alert("x")</script><a href="javascript:alert(1)">a link</a>'
)


def frigate_post(**overrides):
    values = dict(
        title="Frigate leaves harbour",
        name="frigate-leaves-harbour",
        content=FRIGATE_BODY,
        excerpt="The <em>frigate</em> sailed at dawn.",
        sticky=1,
        terms=[
            ("category", "naval", "Naval"),
            ("post_tag", "frigates", "Frigates"),
            ("category", "uncategorized", "Uncategorized"),
        ],
        meta={"_thumbnail_id": "201"},
    )
    values.update(overrides)
    return item(101, **values)


# ---------------------------------------------------------------------------------------
# Importing a small site
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_becomes_a_published_article_with_everything_attached(export_file, media_dir, client):
    path = export_file(*frigate_attachments(), frigate_post())
    report, _ = run_import(
        path, "--media-dir", media_dir, "--section-map", "defence=News,opinion=Comment"
    )
    article = Article.objects.get(import_source=SITE, import_id="101")
    assert article.title == "Frigate leaves harbour"
    assert article.slug == "frigate-leaves-harbour"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert article.standfirst == "The frigate sailed at dawn."
    assert article.featured is True
    # "naval" sits under the mapped "defence": its section, and kept as a tag too.
    assert article.section.name == "News"
    assert sorted(article.tags.names()) == ["Frigates", "Naval"]
    assert [a.name for a in article.byline_authors] == ["Jane Doe"]
    assert article.lead_image.alt_text == "Grey frigate at sea"
    assert article.lead_image.caption == "A frigate leaves harbour"
    assert article.lead_image.credit == "Photo: Navy Press Office"

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert counts_line(report, "posts") == [1, 0, 0, 0, 0, 1]


@pytest.mark.django_db
def test_content_keeps_paragraphs_captions_galleries_and_video_links(export_file, media_dir):
    path = export_file(*frigate_attachments(), frigate_post())
    run_import(path, "--media-dir", media_dir)
    body = Article.objects.get(import_id="101").body
    frigate = Image.objects.get(import_id="201")

    assert "<p>The frigate left the harbour at dawn on Tuesday.<br>\nCrowds watched" in body
    assert (
        '<figcaption>The frigate passes the breakwater <span class="credit">'
        "(Photo: Navy Press Office)</span></figcaption>" in body
    )
    assert f'src="{frigate.src()}"' in body
    assert f'srcset="{frigate.srcset()}"' in body
    assert 'alt="Frigate at sea"' in body
    # The link to the original file around the picture is gone; the video is a plain link.
    assert "wp-content/uploads/2024/03/frigate.jpg" not in body
    assert '<a href="https://www.youtube.com/watch?v=abc123XYZ"' in body
    # [gallery] with no ids: the post's own pictures that could be imported, in order.
    crew = Image.objects.get(import_id="202")
    assert body.count('<figure class="image">') == 3
    assert body.index(f'src="{frigate.src()}"', body.index("youtube")) < body.index(crew.src())
    assert "<figcaption>The crew on deck</figcaption>" in body
    # The dock picture is missing: no broken picture, no hot link.
    assert "dock" not in body
    assert "<script" not in body and "javascript:" not in body and "alert" not in body
    assert body.endswith("<p>a link</p>")  # the unsafe link is text now
    assert "[caption" not in body and "[gallery" not in body


@pytest.mark.django_db
def test_missing_and_unusable_media_are_reported_and_the_article_still_imports(
    export_file, media_dir
):
    path = export_file(*frigate_attachments(), frigate_post())
    report, _ = run_import(path, "--media-dir", media_dir)
    assert Article.objects.filter(import_id="101").exists()
    assert set(Image.objects.values_list("import_id", flat=True)) == {"201", "202"}
    assert counts_line(report, "attachments") == [2, 0, 0, 2, 0, 0]
    assert "Missing media (2):" in report
    assert (
        f"{SITE}/wp-content/uploads/2024/03/dock.jpg: not in the media directory "
        "(looked for 2024/03/dock.jpg) — used by post 101"
    ) in report
    assert f"{SITE}/wp-content/uploads/2024/03/broken.jpg: unusable: This file is not" in report


@pytest.mark.django_db
def test_without_a_media_dir_everything_but_the_pictures_imports(export_file):
    path = export_file(*frigate_attachments(), frigate_post())
    report, _ = run_import(path)
    article = Article.objects.get(import_id="101")
    assert article.lead_image is None
    assert "<img" not in article.body and "<figure" not in article.body
    assert "no --media-dir given" in report
    assert Image.objects.count() == 0


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_says_so(export_file, media_dir):
    path = export_file(
        *frigate_attachments(), frigate_post(), item(102, title="Second", name="second")
    )
    run_import(path, "--media-dir", media_dir, "--section-map", "defence=News")
    before = list(Article.objects.order_by("pk").values_list("pk", "modified", "body"))
    images = list(Image.objects.order_by("pk").values_list("pk", "file"))
    report, _ = run_import(path, "--media-dir", media_dir, "--section-map", "defence=News")
    assert counts_line(report, "posts") == [0, 0, 2, 0, 0, 1]
    assert counts_line(report, "attachments") == [0, 0, 2, 2, 0, 0]
    assert counts_line(report, "authors") == [0, 0, 2, 0, 0, 0]
    assert list(Article.objects.order_by("pk").values_list("pk", "modified", "body")) == before
    assert list(Image.objects.order_by("pk").values_list("pk", "file")) == images
    assert ArticleRedirect.objects.count() == 0  # permalinks equal the new addresses


@pytest.mark.django_db
def test_tag_and_author_names_are_searchable(export_file, media_dir):
    run_import(export_file(*frigate_attachments(), frigate_post()), "--media-dir", media_dir)
    article = Article.objects.get(import_id="101")
    assert article.search_names == "Frigates Naval Jane Doe"
    assert list(Article.objects.search("frigates jane")) == [article]
    path = export_file(*frigate_attachments(), frigate_post(creator="mlee", terms=[]))
    run_import(path, "--media-dir", media_dir)
    article.refresh_from_db()
    assert article.search_names == "Min Lee"


@pytest.mark.django_db
def test_a_changed_post_is_updated_in_place(export_file, media_dir):
    run_import(export_file(*frigate_attachments(), frigate_post()), "--media-dir", media_dir)
    article = Article.objects.get(import_id="101")
    path = export_file(
        *frigate_attachments(),
        frigate_post(title="Frigate returns to harbour", sticky=0, terms=[]),
    )
    report, _ = run_import(path, "--media-dir", media_dir)
    assert counts_line(report, "posts")[:3] == [0, 1, 0]
    article.refresh_from_db()
    assert article.title == "Frigate returns to harbour"
    assert article.featured is False
    assert list(article.tags.names()) == []
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_picture_file_replaces_the_stored_one(export_file, media_dir):
    path = export_file(*frigate_attachments(), frigate_post())
    run_import(path, "--media-dir", media_dir)
    write_jpeg(media_dir / "2024/03/crew.jpg", 320, 240, (0, 160, 0))
    report, _ = run_import(path, "--media-dir", media_dir)
    assert counts_line(report, "attachments")[:3] == [0, 1, 1]
    assert Image.objects.get(import_id="202").width == 320


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(export_file, media_dir):
    path = export_file(*frigate_attachments(), frigate_post(), item(102, name="second"))
    files_before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    report, _ = run_import(path, "--media-dir", media_dir, "--dry-run", "--section-map", "x=Y")
    assert "Dry run: nothing was written." in report
    assert counts_line(report, "posts") == [2, 0, 0, 0, 0, 1]
    assert counts_line(report, "attachments") == [2, 0, 0, 2, 0, 0]
    assert counts_line(report, "authors") == [2, 0, 0, 0, 0, 0]
    assert Article.objects.count() == 0
    assert Author.objects.count() == 0
    assert Image.objects.count() == 0
    assert Section.objects.count() == 0
    assert Tag.objects.count() == 0
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files_before


@pytest.mark.django_db
def test_dry_run_after_an_import_reports_unchanged(export_file, media_dir):
    path = export_file(*frigate_attachments(), frigate_post())
    run_import(path, "--media-dir", media_dir)
    report, _ = run_import(path, "--media-dir", media_dir, "--dry-run")
    assert counts_line(report, "posts")[:3] == [0, 0, 1]


@pytest.mark.django_db
def test_wordpress_statuses_map_to_ours(export_file):
    path = export_file(
        item(1, name="published"),
        item(2, status="future", date="2031-01-01 08:00:00", name="scheduled"),
        item(3, status="draft", gmt="0000-00-00 00:00:00", name="draft"),
        item(4, status="pending", gmt="0000-00-00 00:00:00", name="pending"),
        item(5, status="private", name="private"),
        item(6, password="open sesame", name="locked", title="Locked"),
        item(7, status="trash", name="binned"),
        item(8, gmt="0000-00-00 00:00:00", date="2024-02-01 10:00:00", name="local-date"),
    )
    report, _ = run_import(path)
    by_id = {a.import_id: a for a in Article.objects.all()}
    assert by_id["1"].status == "published"
    assert by_id["2"].status == "published"
    assert by_id["2"].is_scheduled
    assert by_id["3"].status == "draft" and by_id["3"].published_at is None
    assert by_id["4"].status == "review" and by_id["4"].published_at is None
    assert by_id["5"].status == "draft"
    assert by_id["6"].status == "draft"
    assert "7" not in by_id
    # No GMT date: WordPress's local date, in the site's zone.
    assert by_id["8"].published_at == datetime(2024, 2, 1, 10, 0, tzinfo=UTC)
    assert counts_line(report, "posts") == [7, 0, 0, 1, 0, 0]
    assert "Skipped — posts: 1 status trash" in report
    assert "Kept as drafts, never made public (2):" in report
    assert "post 5 “Frigate leaves harbour” (private)" in report
    assert "post 6 “Locked” (password-protected)" in report


@pytest.mark.django_db
def test_scheduled_and_private_posts_stay_hidden_from_readers(export_file, client):
    path = export_file(
        item(2, status="future", date="2031-01-01 08:00:00", name="scheduled"),
        item(5, status="private", name="private"),
    )
    run_import(path)
    for article in Article.objects.all():
        assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/2024/03/05/private/").status_code == 404


@pytest.mark.django_db
def test_slugs_fall_back_and_stay_unique_per_day(export_file):
    path = export_file(
        item(1, name="frigate-leaves-harbour"),
        item(2, name="frigate-leaves-harbour", link=f"{SITE}/?p=2"),
        item(3, name="", title="Patrol boats: a &amp; b"),
        item(4, name="%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf", title="Επίπεδο"),
        item(5, name="", title=""),
    )
    run_import(path)
    slugs = dict(Article.objects.values_list("import_id", "slug"))
    assert slugs == {
        "1": "frigate-leaves-harbour",
        "2": "frigate-leaves-harbour-2",
        "3": "patrol-boats-a-b",
        "4": "post-4",
        "5": "post-5",
    }
    assert Article.objects.get(import_id="3").title == "Patrol boats: a & b"
    assert Article.objects.get(import_id="5").title == "Untitled (5)"


@pytest.mark.django_db
def test_old_permalinks_redirect_permanently_to_the_new_address(export_file, client):
    path = export_file(
        item(1, name="frigate", link=f"{SITE}/news/frigate/", meta={"_wp_old_slug": "old-one"}),
        item(2, name="query-style", link=f"{SITE}/?p=2"),
        item(3, name="same", link=f"{SITE}/2024/03/05/same/"),
    )
    run_import(path)
    article = Article.objects.get(import_id="1")
    assert set(ArticleRedirect.objects.values_list("old_path", flat=True)) == {
        "/news/frigate/",
        "/news/old-one/",
    }
    for old in ("/news/frigate/", "/news/old-one/"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()


@pytest.mark.django_db
def test_sections_come_from_the_map_and_other_categories_become_tags(export_file):
    path = export_file(
        item(1, name="a", terms=[("category", "submarines", "Submarines")]),
        item(2, name="b", terms=[("category", "opinion", "Opinion")]),
        item(3, name="c", terms=[("category", "uncategorized", "Uncategorized")]),
        item(4, name="d", terms=[("category", "defence", "Defence")]),
    )
    run_import(path, "--section-map", "naval=Naval,opinion=Comment", "--default-section", "Latest")
    by_id = {a.import_id: a for a in Article.objects.all()}
    # A grandchild takes its nearest mapped ancestor's section and stays a tag.
    assert by_id["1"].section.name == "Naval"
    assert list(by_id["1"].tags.names()) == ["Submarines"]
    assert by_id["2"].section.name == "Comment"
    assert list(by_id["2"].tags.names()) == []
    # Unmapped: the default section; "Uncategorized" is dropped, the rest are tags.
    assert by_id["3"].section.name == "Latest"
    assert list(by_id["3"].tags.names()) == []
    assert by_id["4"].section.name == "Latest"
    assert list(by_id["4"].tags.names()) == ["Defence"]
    assert set(Section.objects.values_list("name", flat=True)) == {"Naval", "Comment", "Latest"}


def test_a_malformed_section_map_is_refused(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(wxr())
    with pytest.raises(CommandError, match="not category=Section"):
        run_import(path, "--section-map", "news")


@pytest.mark.django_db
def test_authors_become_profiles_with_bylines(export_file):
    path = export_file(item(1, name="a"), item(2, name="b", creator=">mlee"), item(3, creator="x"))
    report, _ = run_import(path)
    jane = Author.objects.get(slug="jdoe")
    assert jane.name == "Jane Doe"
    assert jane.short_bio == "Jane covers naval shipbuilding and the ports."
    assert jane.email == ""  # WordPress's login e-mail is private
    # A damaged dc:creator still finds its author; an unknown login gets a profile.
    assert Article.objects.get(import_id="2").byline_authors[0].name == "Min Lee"
    assert Article.objects.get(import_id="3").byline_authors[0].slug == "x"
    assert counts_line(report, "authors") == [3, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_a_broken_item_is_reported_and_skipped_and_the_rest_import(export_file, monkeypatch):
    from articles.management.commands import import_wordpress

    original = import_wordpress.WordPressImporter._redirects

    def failing(self, article, wp_item):
        if wp_item.post_id == "2":
            raise RuntimeError("disk on fire")
        return original(self, article, wp_item)

    monkeypatch.setattr(import_wordpress.WordPressImporter, "_redirects", failing)
    path = export_file(
        item(1, name="a"),
        item(2, name="b", title="Doomed", terms=[("post_tag", "only-here", "Only here")]),
        item(None, name="no-id"),
        item(3, name="c"),
    )
    report, _ = run_import(path)
    assert sorted(Article.objects.values_list("import_id", flat=True)) == ["1", "3"]
    # The failed item's own writes (its tag) were rolled back with it.
    assert not Tag.objects.filter(name="Only here").exists()
    assert counts_line(report, "posts") == [2, 0, 0, 0, 2, 0]
    assert "post 2 “Doomed”: RuntimeError: disk on fire" in report
    assert "post ? “Frigate leaves harbour”: ValueError: the item has no wp:post_id" in report


@pytest.mark.django_db
def test_wxr_1_1_exports_import_too(export_file):
    run_import(export_file(item(1, name="older-format"), version="1.1"))
    assert Article.objects.get(import_id="1").slug == "older-format"


@pytest.mark.django_db
def test_pages_become_site_pages(export_file):
    Page = page_model()
    if Page is None:
        pytest.skip("support.Page is not installed")
    path = export_file(
        item(301, post_type="page", name="about-us", title="About us", content="We report."),
        item(302, post_type="page", name="draft-page", title="Later", status="draft"),
        item(303, post_type="page", name="search", title="Search tips", content="Use quotes."),
    )
    report, _ = run_import(path)
    about = Page.objects.get(slug="about-us")
    assert about.title == "About us" and about.body == "<p>We report.</p>"
    assert about.is_published
    assert Page.objects.get(slug="draft-page").is_published is False
    assert counts_line(report, "pages")[:1] == [3]
    report, _ = run_import(path)
    assert counts_line(report, "pages")[:3] == [0, 0, 3]


@pytest.mark.django_db
def test_pages_are_skipped_when_the_site_has_no_page_model(export_file, monkeypatch):
    from articles.management.commands import import_wordpress

    monkeypatch.setattr(import_wordpress, "page_model", lambda: None)
    report, _ = run_import(export_file(item(301, post_type="page", name="about-us")))
    assert counts_line(report, "pages") == [0, 0, 0, 1, 0, 0]
    assert "pages: 1 no page model" in report


@pytest.mark.django_db
def test_progress_goes_to_stderr_as_plain_lines_when_not_a_terminal(export_file):
    _, err = run_import(export_file(*[item(n, name=f"p{n}") for n in range(1, 13)]))
    assert "Importing posts and pages: 12/12 (100%)" in err
    assert "\r" not in err


def test_progress_redraws_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

        def write(self, text, ending="\n"):
            super().write(text + ending)

    stream = Terminal()
    progress = Progress(stream)
    progress.start("Importing", 3)
    for _ in range(3):
        progress.step()
    progress.finish()
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().endswith("\r\x1b[KImporting: 3/3 (100%)\n")


# ---------------------------------------------------------------------------------------
# Hostile and broken files
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml", "external_dtd.xml"])
def test_entity_attacks_are_refused_before_anything_is_imported(name):
    with pytest.raises(CommandError, match="Refused: the file declares XML entities"):
        run_import(DATA / name)
    assert Article.objects.count() == 0
    assert Author.objects.count() == 0


@pytest.mark.django_db
def test_malformed_xml_is_refused_with_its_position(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text(wxr(item(1)).replace("</channel>", ""))
    with pytest.raises(CommandError, match="not well-formed XML: .*line"):
        run_import(path)


@pytest.mark.django_db
def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text("<?xml version='1.0'?><html><body>hello</body></html>")
    with pytest.raises(CommandError, match="not a WordPress export"):
        run_import(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "nope.xml")


def test_reading_streams_items_and_forgets_them(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(wxr(*[item(n, name=f"p{n}") for n in range(1, 6)]))
    seen = list(read_export(path))
    assert isinstance(seen[0], WXRSite)
    assert seen[0].source == SITE
    assert [a.login for a in seen[0].authors] == ["jdoe", "mlee"]
    assert seen[0].categories["submarines"].parent == "naval"
    assert [i.post_id for i in seen[1:]] == ["1", "2", "3", "4", "5"]
    assert all(isinstance(i, WXRItem) for i in seen[1:])


def test_reader_refuses_entities_with_its_own_error():
    with pytest.raises(WXRError):
        list(read_export(DATA / "billion_laughs.xml"))


# ---------------------------------------------------------------------------------------
# Content conversion, piece by piece
# ---------------------------------------------------------------------------------------


def test_wpautop_makes_paragraphs_from_blank_lines_and_breaks_from_single_newlines():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>\n"


def test_wpautop_leaves_block_tags_and_preformatted_text_alone():
    text = "Intro\n<blockquote>Quoted</blockquote>\n<pre>a\n\nb</pre>\n<ul>\n<li>x</li>\n</ul>"
    assert wpautop(text) == (
        "<p>Intro</p>\n<blockquote><p>Quoted</p></blockquote>\n<pre>a\n\nb</pre>\n"
        "<ul>\n<li>x</li>\n</ul>\n"
    )


def test_wpautop_keeps_newlines_inside_tags_and_nbsp_as_text():
    assert wpautop('<a\nhref="x">link</a>\u00a0end') == '<p><a\nhref="x">link</a>\u00a0end</p>\n'


def test_block_editor_content_is_not_autopd():
    html = convert_content("<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->").html
    assert html == "<p>One\ntwo</p>"


def test_old_style_caption_attribute_becomes_a_figcaption():
    ref = ImageRef("/media/x.webp", "/media/x.webp 320w", 320, 200, "alt")
    html = convert_content(
        '[caption id="attachment_7" caption="Tanks on parade — Supplied: BSTU"]'
        '<img src="https://s.example/wp-content/uploads/2020/01/t.jpg" alt="Tanks">[/caption]',
        resolve_image=lambda attachment_id, src: ref if attachment_id == "7" else None,
    ).html
    assert html.startswith(
        '<figure class="image"><img loading="lazy" decoding="async" src="/media/x.webp"'
    )
    assert html.endswith(
        '<figcaption>Tanks on parade <span class="credit">(Supplied: BSTU)</span></figcaption>'
        "</figure>"
    )


def test_gallery_with_ids_lists_those_pictures_in_order():
    attachments = {
        n: Attachment(n, f"https://s.example/wp-content/uploads/2020/01/{n}.jpg", caption=f"C{n}")
        for n in ("1", "2", "3")
    }

    def resolve(attachment_id, src):
        return ImageRef(f"/media/{attachment_id}.webp", "", None, None, "")

    html = convert_content(
        '[gallery ids="3,1" columns="2"]', attachments=attachments, resolve_image=resolve
    ).html
    assert html.count("<figure") == 2
    assert html.index("/media/3.webp") < html.index("/media/1.webp")
    assert "<figcaption>C3</figcaption>" in html


def test_unknown_shortcodes_go_but_their_text_and_bracketed_prose_stay():
    html = convert_content(
        '[note type="info"]Read this.[/note] Budget [sic] up 3% [1]. [[caption]] '
        '[contact-form to="x@example.org"]'
    ).html
    assert html == "<p>Read this. Budget [sic] up 3% [1]. [caption] </p>"


def test_embeds_players_and_bare_links_become_plain_links():
    html = convert_content(
        "[embed]https://vimeo.com/12345[/embed]\n\n"
        "Watch https://example.org/inline stays text.\n\n"
        '<iframe src="https://www.youtube.com/embed/xyz"></iframe>\n\n'
        '[video mp4="https://s.example/clip.mp4"][/video]\n\n'
        "[youtube=https://www.youtube.com/watch?v=q1]"
    ).html
    assert '<a href="https://vimeo.com/12345" rel="noopener noreferrer">' in html
    assert "Watch https://example.org/inline stays text." in html
    assert '<a href="https://www.youtube.com/watch?v=xyz"' in html
    assert '<a href="https://s.example/clip.mp4"' in html
    assert '<a href="https://www.youtube.com/watch?v=q1"' in html
    assert "<iframe" not in html


def test_a_picture_that_cannot_be_matched_is_removed_with_its_figure_and_reported():
    result = convert_content(
        '[caption id="attachment_9"]<img src="https://s.example/wp-content/uploads/a.jpg"> '
        'A caption[/caption]\n\nText with <img src="https://elsewhere.example/b.png"> inside.'
    )
    assert result.html == "<p>Text with  inside.</p>"
    assert [(m.src, m.attachment_id) for m in result.missing_images] == [
        ("https://s.example/wp-content/uploads/a.jpg", "9"),
        ("https://elsewhere.example/b.png", None),
    ]


def test_markup_compares_equal_whatever_the_attribute_order():
    assert same_html('<img src="a" alt="b" loading="lazy">', '<img loading="lazy" alt="b" src="a">')
    assert not same_html('<img src="a">', '<img src="b">')


def test_headings_and_definition_lists_fit_our_body():
    html = convert_content("<h1>Big</h1><h6>Small</h6><dl><dt>Term</dt><dd>Meaning</dd></dl>").html
    assert html == "<h2>Big</h2>\n<h4>Small</h4>\n<p><strong>Term</strong></p>\n<p>Meaning</p>"


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Sailors on deck (Photo: Royal Navy)", ("Sailors on deck", "Photo: Royal Navy")),
        ("Sailors on deck. Photo by J. Smith", ("Sailors on deck.", "Photo by J. Smith")),
        ("A tank | Credit: Army", ("A tank", "Credit: Army")),
        ("Courtesy of the museum", ("", "Courtesy of the museum")),
        ("Image Alignment 580x300", ("Image Alignment 580x300", "")),
        ("A view of the image: blurred", ("A view of the image: blurred", "")),
    ],
)
def test_credits_are_recognised_only_in_their_standard_forms(caption, expected):
    assert split_credit(caption) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://s.example/wp-content/uploads/2013/09/x.jpg", "2013/09/x.jpg"),
        ("https://s.example/wp-content/uploads/sites/3/2013/09/x.jpg", "2013/09/x.jpg"),
        ("https://blog.files.wordpress.com/2013/09/x.jpg?w=604", "2013/09/x.jpg"),
        ("/wp-content/uploads/2013/09/a%20b.jpg", "2013/09/a b.jpg"),
        ("https://s.example/wp-content/uploads/../../etc/passwd", None),
        ("https://elsewhere.example/x.jpg", None),
    ],
)
def test_media_addresses_map_into_the_uploads_folder(url, expected):
    assert uploads_path(url) == expected


# ---------------------------------------------------------------------------------------
# WordPress's own Theme Unit Test export
# ---------------------------------------------------------------------------------------

THEME_MEDIA = {
    # attachment → a picture of that name in a fake uploads folder (the real ones are remote)
    "2013/03/featured-image-horizontal.jpg": (1200, 600),
    "2010/08/triforce-wallpaper.jpg": (900, 600),
    "2008/06/100_5478.jpg": (800, 600),
    "2013/09/dsc20040724_152504_532.jpg": (640, 480),
    "2013/03/image-alignment-580x300.jpg": (580, 300),
    "2013/03/image-alignment-150x150.jpg": (150, 150),
    "2008/06/img_0767.jpg": (700, 500),
    "2008/06/img_8399.jpg": (700, 500),
}
SECTION_MAP = "classic=Classic,block=Blocks"


class ThemeUnitTestImportTests(TestCase):
    """Imported once for the class (twice, to prove the second run changes nothing)."""

    @classmethod
    def setUpClass(cls):
        if not THEME_EXPORT.is_file():
            if os.environ.get("CI"):
                raise AssertionError(f"The Theme Unit Test export is missing: {THEME_EXPORT}")
            raise unittest.SkipTest(f"{THEME_EXPORT} is not here (CI has it beside the clone)")
        cls.media = Path(tempfile.mkdtemp(prefix="wp-uploads-"))
        for relative, size in THEME_MEDIA.items():
            write_jpeg(cls.media / relative, *size)
        (cls.media / "2013/03/featured-image-vertical.jpg").write_bytes(b"\x89PNG broken")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        args = (THEME_EXPORT, "--media-dir", cls.media, "--section-map", SECTION_MAP)
        cls.first, cls.progress = run_import(*args)
        cls.snapshot = sorted(Article.objects.values_list("pk", "modified"))
        cls.second, _ = run_import(*args)
        cls.source = "https://wpthemetestdata.wordpress.com"

    def article(self, wp_id):
        return Article.objects.get(import_source=self.source, import_id=wp_id)

    def test_every_post_page_attachment_and_author_is_accounted_for(self):
        assert sum(counts_line(self.first, "posts")[:5]) == 58
        assert sum(counts_line(self.first, "pages")[:5]) == 21
        assert sum(counts_line(self.first, "attachments")[:5]) == 37
        assert counts_line(self.first, "authors")[:5] == [2, 0, 0, 0, 0]
        assert counts_line(self.first, "posts")[4] == 0  # nothing failed
        assert Article.objects.filter(import_source=self.source).count() == 58
        assert "70 nav_menu_item" in self.first

    def test_published_posts_render_at_their_new_addresses(self):
        published = list(Article.objects.published())
        assert len(published) == 55
        for article in published:
            response = self.client.get(article.get_absolute_url())
            assert response.status_code == 200, article.get_absolute_url()

    def test_old_permalinks_redirect_to_the_new_addresses(self):
        checks = {
            "/wp-6-1-text-category-blocks/": self.article("8"),
            "/2018/11/02/block-category-common/": self.article("1730"),
        }
        for old, article in checks.items():
            response = self.client.get(old)
            assert response.status_code == 301
            assert response["Location"] == article.get_absolute_url()
        for redirect in ArticleRedirect.objects.filter(article__in=Article.objects.published()):
            assert self.client.get(redirect.old_path).status_code == 301

    def test_captions_become_figures(self):
        body = self.article("1163").body  # [caption] around a linked picture
        bell = Image.objects.get(import_id="754")
        lazy_img = '<img loading="lazy" decoding="async"'
        assert f'<figure class="image">{lazy_img} src="{bell.src()}"' in body
        assert "<figcaption>Bell on wharf in San Francisco</figcaption></figure>" in body
        response = self.client.get(self.article("1163").get_absolute_url())
        self.assertContains(response, "<figcaption>Bell on wharf in San Francisco</figcaption>")

    def test_galleries_become_sets_of_figures(self):
        body = self.article("1736").body  # [gallery columns=2 ids="770,771"]
        assert body.count('<figure class="image">') == 2
        assert Image.objects.get(import_id="770").src() in body

    def test_no_script_survives(self):
        for body in Article.objects.values_list("body", flat=True):
            assert "<script" not in body
            assert "javascript:" not in body
            assert not re.search(r"<[^>]+\son[a-z]+=", body)

    def test_featured_images_become_lead_images(self):
        lead = self.article("1011").lead_image
        assert lead.alt_text == "Horizontal Featured Image"
        assert self.article("1163").lead_image.caption == "It’s dangerous to go alone! Take this."

    def test_unusable_and_missing_pictures_are_listed_and_posts_still_import(self):
        assert "featured-image-vertical.jpg: unusable" in self.first
        assert "canola2.jpg: not in the media directory" in self.first
        assert self.article("1016").lead_image is None

    def test_statuses_and_flags_follow_wordpress(self):
        assert self.article("1153").is_scheduled  # future
        assert self.article("1164").status == "draft"
        assert self.article("1168").status == "draft"  # password-protected
        assert "(password-protected)" in self.first
        assert self.article("1241").featured  # sticky
        assert self.article("1730").section.name == "Blocks"
        assert self.article("1730").byline_authors[0].name == "Theme Reviewer"

    def test_video_links_stay_links(self):
        assert '<a href="https://www.youtube.com/watch?v=SQEQr7c0-dw"' in self.article("1161").body

    def test_pages_import_into_the_site_pages(self):
        Page = page_model()
        if Page is None:
            assert counts_line(self.first, "pages")[3] == 21
            return
        slugs = set(Page.objects.values_list("slug", flat=True))
        # A Greek WordPress slug gives way to an ASCII one from the title.
        assert {"about", "level-1", "greek", "2-second-greek-level"} <= slugs
        assert all(re.fullmatch(r"[-a-z0-9]+", slug) for slug in slugs)
        assert self.client.get("/about/").status_code == 200

    def test_a_second_run_changes_nothing(self):
        for kind in ("authors", "attachments", "posts", "pages"):
            created, updated, unchanged, skipped, failed, _ = counts_line(self.second, kind)
            assert (created, updated, failed) == (0, 0, 0), kind
        assert counts_line(self.second, "posts")[2] == 58
        assert sorted(Article.objects.values_list("pk", "modified")) == self.snapshot

    def test_progress_was_shown_on_stderr(self):
        assert "Importing posts and pages: 79/79 (100%)" in self.progress


@pytest.mark.django_db
def test_imported_pictures_are_cleaned_and_bombs_refused(export_file, media_dir):
    """The importer stores pictures like every other path: metadata and anything appended
    (a ZIP after a JPEG) removed, decompression bombs refused with the reason."""
    import zipfile

    from django.core.files.storage import default_storage

    from tests.project.test_image_privacy import assert_clean, geotagged, png_claiming

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    (media_dir / "2024/03/frigate.jpg").write_bytes(geotagged("JPEG") + archive.getvalue())
    (media_dir / "2024/03/crew.jpg").write_bytes(png_claiming(40_000, 40_000))
    path = export_file(*frigate_attachments(), frigate_post())
    report, _ = run_import(path, "--media-dir", media_dir)
    frigate = Image.objects.get(import_id="201")
    with default_storage.open(frigate.file.name) as fh:
        data = fh.read()
    assert_clean(data, size=(400, 800))
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert not Image.objects.filter(import_id="202").exists()
    assert f"{SITE}/wp-content/uploads/2024/03/crew.jpg: unusable: This image is too" in report
    assert "million pixels" in report
