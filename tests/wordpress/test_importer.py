"""The importer: WordPress exports become articles, images, authors, pages and redirects,
safely and repeatably, without ever reaching for the network, and without ever changing
what it did not create."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from taggit.models import Tag

from articles.models import Article, ArticleRedirect, Section
from authors.models import Author
from media.models import Image
from support.models import Page
from tests.factories import ArticleFactory, PageFactory
from tests.wordpress.exports import (
    AUTHORS,
    FRIGATE_BODY,
    SITE,
    counts_line,
    frigate_attachments,
    frigate_post,
    item,
    run_import,
    write_jpeg,
)
from wordpress.importer import WordPressImporter


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
def test_a_second_run_leaves_a_figure_credited_from_the_library_unchanged(export_file, media_dir):
    """The post's [caption] names one credit, the attachment another: saving writes the
    media library's credit into the figure (media.figures), so a second run must
    compare against that, not report the post as updated at every run."""
    body = FRIGATE_BODY.replace(
        "(Photo: Navy Press Office)[/caption]", "(Photo: Fleet Archive)[/caption]"
    )
    path = export_file(*frigate_attachments(), frigate_post(content=body))
    run_import(path, "--media-dir", media_dir)
    stored = Article.objects.values_list("modified", "body").get()
    assert "(Photo: Navy Press Office)</span></figcaption>" in stored[1]

    report, _ = run_import(path, "--media-dir", media_dir)

    assert counts_line(report, "posts")[:3] == [0, 0, 1]
    assert Article.objects.values_list("modified", "body").get() == stored


@pytest.mark.django_db
def test_tag_and_author_names_are_searchable(export_file, media_dir):
    run_import(export_file(*frigate_attachments(), frigate_post()), "--media-dir", media_dir)
    article = Article.objects.get(import_id="101")
    assert article.search_names == "Frigates Naval Jane Doe"
    assert list(Article.objects.matching("frigates jane")) == [article]
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
    newsroom = ZoneInfo(settings.TIME_ZONE)
    assert by_id["8"].published_at == datetime(2024, 2, 1, 10, 0, tzinfo=newsroom)
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
def test_a_login_longer_than_the_import_key_is_found_again_on_a_reimport(export_file):
    login = "harbour-correspondent-" + "x" * 60  # 82 characters; the key keeps 64
    authors = AUTHORS.replace(
        "<wp:author_login>mlee</wp:author_login>", f"<wp:author_login>{login}</wp:author_login>"
    )
    path = export_file(item(1, name="a", creator=login), authors=authors)
    first, _ = run_import(path)
    again, _ = run_import(path)
    assert Author.objects.filter(import_id=login[:64]).count() == 1
    assert Article.objects.get(import_id="1").byline_authors[0].name == "Min Lee"
    assert counts_line(first, "authors")[4] == 0 and counts_line(again, "authors")[4] == 0
    assert counts_line(again, "authors")[:3] == [0, 0, 2]  # found again, nothing changed


@pytest.mark.django_db
def test_a_broken_item_is_reported_and_skipped_and_the_rest_import(export_file, monkeypatch):
    original = WordPressImporter._redirects

    def failing(self, article, post):
        if post.post_id == "2":
            raise RuntimeError("disk on fire")
        return original(self, article, post)

    monkeypatch.setattr(WordPressImporter, "_redirects", failing)
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
    # /search/ is the site's search page: the imported page takes another address.
    assert Page.objects.get(import_id="303").slug == "search-303"
    assert "page 303 “Search tips”: /search/ is another part of the site; imported at " in report
    assert counts_line(report, "pages")[:1] == [3]
    report, _ = run_import(path)
    assert counts_line(report, "pages")[:3] == [0, 0, 3]


# ---------------------------------------------------------------------------------------
# What the import did not create, it never changes
# ---------------------------------------------------------------------------------------


def _snapshot(model, pk):
    return model.objects.filter(pk=pk).values().get()


@pytest.mark.django_db
def test_a_hand_written_page_survives_an_import_and_a_reimport_of_a_page_with_its_slug(
    export_file, client
):
    written = PageFactory(slug="about-us", title="About Defence Blog", body="<p>Ours.</p>")
    before = _snapshot(Page, written.pk)
    about = item(301, post_type="page", name="about-us", title="About us", content="Theirs.")
    path = export_file(about)

    report, _ = run_import(path)
    assert _snapshot(Page, written.pk) == before
    imported = Page.objects.get(import_source=SITE, import_id="301")
    assert imported.pk != written.pk
    assert imported.slug == "about-us-301"
    assert imported.body == "<p>Theirs.</p>"
    assert (
        "page 301 “About us”: /about-us/ belongs to a page this import did not create, "
        "left as it was; imported at /about-us-301/." in report
    )
    assert counts_line(report, "pages")[:3] == [1, 0, 0]
    response = client.get("/about-us/")
    assert response.status_code == 200
    assert "Ours." in response.text and "Theirs." not in response.text

    # A re-import, with the page changed in WordPress: the imported page follows, ours stays.
    path = export_file(
        item(301, post_type="page", name="about-us", title="About us", content="Changed.")
    )
    report, _ = run_import(path)
    assert counts_line(report, "pages")[:3] == [0, 1, 0]
    assert _snapshot(Page, written.pk) == before
    imported.refresh_from_db()
    assert (imported.slug, imported.body) == ("about-us-301", "<p>Changed.</p>")
    assert Page.objects.count() == 2

    report, _ = run_import(path)
    assert counts_line(report, "pages")[:3] == [0, 0, 1]
    assert _snapshot(Page, written.pk) == before


@pytest.mark.django_db
def test_a_hand_written_article_survives_an_import_and_a_reimport_of_a_post_with_its_address(
    export_file, client
):
    written = ArticleFactory(
        slug="frigate-leaves-harbour",
        title="Our own frigate story",
        published_at=datetime(2024, 3, 5, 14, 0, tzinfo=UTC),
    )
    before = _snapshot(Article, written.pk)
    path = export_file(frigate_post(link=f"{SITE}/2024/03/05/frigate-leaves-harbour/"))

    report, _ = run_import(path)
    assert _snapshot(Article, written.pk) == before
    imported = Article.objects.get(import_source=SITE, import_id="101")
    assert imported.slug == "frigate-leaves-harbour-2"
    assert (
        "post 101 “Frigate leaves harbour”: an article the import did not create has the "
        "address frigate-leaves-harbour on 2024-03-05; imported as frigate-leaves-harbour-2"
    ) in report
    # Readers still find our article at its address, and the imported one at its own.
    response = client.get(written.get_absolute_url())
    assert response.status_code == 200
    assert "Our own frigate story" in response.text
    assert client.get(imported.get_absolute_url()).status_code == 200

    report, _ = run_import(export_file(frigate_post(title="Frigate sails again")))
    assert counts_line(report, "posts")[:3] == [0, 1, 0]
    assert _snapshot(Article, written.pk) == before
    imported.refresh_from_db()
    assert (imported.title, imported.slug) == ("Frigate sails again", "frigate-leaves-harbour-2")
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_two_pages_of_one_export_with_one_slug_get_two_addresses_that_stay(export_file):
    first = item(301, post_type="page", name="team", title="Team", content="One.")
    second = item(302, post_type="page", name="team", title="Team too", content="Two.")
    report, _ = run_import(export_file(first, second))
    assert dict(Page.objects.values_list("import_id", "slug")) == {"301": "team", "302": "team-302"}
    assert "Notes:" not in report  # both are the import's own: nothing to tell

    # WordPress dropped the first; a later page takes the slug: the address stays the first's.
    third = item(303, post_type="page", name="team", title="Team three", content="Three.")
    report, _ = run_import(export_file(second, third))
    slugs = dict(Page.objects.values_list("import_id", "slug"))
    assert slugs == {"301": "team", "302": "team-302", "303": "team-303"}
    assert "did not create" not in report
