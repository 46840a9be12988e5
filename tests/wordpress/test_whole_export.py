"""A whole WordPress site's export, kept in the repository (tests/wordpress/data/
fleetnotes.wordpress.xml, written for these tests): imported once for the class, twice to
prove the second run changes nothing."""

import re
import shutil
import tempfile
from pathlib import Path

from django.test import TestCase

from articles.models import Article, ArticleRedirect
from authors.models import Author
from media.models import Image
from support.models import Page
from tests.wordpress.exports import DATA, counts_line, run_import, write_jpeg

EXPORT = DATA / "fleetnotes.wordpress.xml"
SOURCE = "https://fleetnotes.example"
MEDIA = {
    # the export's pictures, drawn into an uploads folder (sonar-room.jpg is left out: missing)
    "2023/05/harbour-mouth.jpg": (1200, 800),
    "2023/05/dry-dock-1.jpg": (800, 600),
    "2023/05/dry-dock-2.jpg": (800, 600),
    "2023/05/dry-dock-3.jpg": (800, 600),
    "2023/06/flight-deck-wide.jpg": (1200, 600),
    "2023/08/convoy-dawn.jpg": (900, 600),
    "2023/08/radar-mast.jpg": (600, 900),
    "2021/12/old-masthead.jpg": (600, 200),
}
SECTION_MAP = "news=News,analysis=Analysis,block=Blocks"


class WholeExportImportTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = Path(tempfile.mkdtemp(prefix="wp-uploads-"))
        for relative, size in MEDIA.items():
            write_jpeg(cls.media / relative, *size)
        (cls.media / "2023/06/flight-deck-tall.jpg").write_bytes(b"\x89PNG broken")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        args = (EXPORT, "--media-dir", cls.media, "--section-map", SECTION_MAP)
        cls.first, cls.progress = run_import(*args)
        cls.snapshot = sorted(Article.objects.values_list("pk", "modified"))
        cls.second, _ = run_import(*args)

    def article(self, wp_id):
        return Article.objects.get(import_source=SOURCE, import_id=wp_id)

    def test_every_post_page_attachment_and_author_is_accounted_for(self):
        assert counts_line(self.first, "posts") == [26, 0, 0, 2, 0, 2]
        assert counts_line(self.first, "pages") == [9, 0, 0, 0, 0, 0]
        assert counts_line(self.first, "attachments") == [8, 0, 0, 4, 0, 0]
        # Three in the header, and "guestwriter", a dc:creator the header does not list.
        assert counts_line(self.first, "authors") == [4, 0, 0, 0, 0, 0]
        assert Article.objects.filter(import_source=SOURCE).count() == 26
        assert Image.objects.count() == 8
        assert "posts: 1 status trash, 1 status auto-draft" in self.first
        assert "1 not an image (.pdf), 1 not an image (.mp3)" in self.first
        assert "Not imported (not content): 4 nav_menu_item, 1 wp_global_styles" in self.first

    def test_published_posts_render_at_their_new_addresses(self):
        published = list(Article.objects.published())
        assert len(published) == 21
        for article in published:
            response = self.client.get(article.get_absolute_url())
            assert response.status_code == 200, article.get_absolute_url()

    def test_old_permalinks_redirect_to_the_new_addresses(self):
        # Where WordPress's address is the new one, the article is simply there.
        supply_ship = self.article("101")
        assert supply_ship.get_absolute_url() == "/2023/05/02/supply-ship-returns/"
        assert self.client.get("/2023/05/02/supply-ship-returns/").status_code == 200
        checks = {
            "/minehunter-renamed/": self.article("119"),  # "post name" permalinks
            "/minehunter-gets-new-name/": self.article("119"),  # and its _wp_old_slug values
            "/minehunter/": self.article("119"),
            "/archives/122": self.article("122"),  # numeric permalinks
            "/2023/08/03/%CE%BB%CE%B9%CE%BC%CE%AC%CE%BD%CE%B9/": self.article("121"),  # Greek
        }
        for old, article in checks.items():
            response = self.client.get(old)
            assert response.status_code == 301, old
            assert response["Location"] == article.get_absolute_url()
        # A query-string permalink (/?p=120) carries nothing to redirect from.
        assert not ArticleRedirect.objects.filter(article=self.article("120")).exists()
        assert ArticleRedirect.objects.count() == 5

    def test_captions_become_figures_with_the_credit(self):
        body = self.article("101").body  # [caption] around a linked picture
        harbour = Image.objects.get(import_id="201")
        assert (
            f'<figure class="image"><img loading="lazy" decoding="async" src="{harbour.src()}"'
            in body
        )
        assert (
            "<figcaption>Tugs guide the ship through the harbour mouth "
            '<span class="credit">(Photo: Fleet Notes)</span></figcaption></figure>'
        ) in body
        assert (harbour.caption, harbour.credit) == (
            "Tugs guide the supply ship through the harbour mouth",
            "Photo: Fleet Notes",
        )

    def test_galleries_become_sets_of_figures_in_order(self):
        attached = self.article("102").body  # [gallery]: the post's own pictures, by menu order
        docks = [Image.objects.get(import_id=i).src() for i in ("202", "203", "204")]
        assert attached.count('<figure class="image">') == 3
        assert [attached.index(src) for src in docks] == sorted(attached.index(s) for s in docks)
        listed = self.article("103").body  # [gallery ids="210,211"]
        assert listed.count('<figure class="image">') == 2
        assert Image.objects.get(import_id="211").src() in listed

    def test_a_resized_copy_in_a_body_finds_its_picture(self):
        body = self.article("127").body
        assert Image.objects.get(import_id="210").src() in body
        assert "attachment_id" not in body  # the link to the attachment page went

    def test_no_script_style_or_handler_survives(self):
        for body in Article.objects.values_list("body", flat=True):
            assert "<script" not in body and "<style" not in body
            assert "javascript:" not in body
            assert not re.search(r"<[^>]+\son[a-z]+=", body)
        body = self.article("109").body
        assert "A paragraph with a handler." in body
        assert (
            'href="https://fleetnotes.example/about/" rel="noopener noreferrer">a good one' in body
        )

    def test_headings_and_definition_lists_fit_the_body(self):
        body = self.article("110").body
        assert "<h1" not in body and "<h2>Fleet at a glance</h2>" in body
        assert "<dl" not in body and "<strong>Frigates</strong>" in body

    def test_shortcodes_keep_their_text_and_lose_their_brackets(self):
        body = self.article("108").body
        assert "The budget paper [sic] runs to forty pages [1]." in body
        assert "Every ship costs more than the last." in body
        assert "[pullquote]" not in body and "[contact-form" not in body
        assert "[audio" not in body

    def test_block_editor_content_is_kept_as_written(self):
        body = self.article("111").body
        assert "<h2>Trials</h2>" in body
        assert "wp:paragraph" not in body
        assert self.article("111").section.name == "Blocks"

    def test_plain_text_paragraphs_follow_wordpress(self):
        body = self.article("128").body
        assert "<p>First line<br>\nsecond line of the same paragraph.</p>" in body
        assert "<p>Another, after many blank lines.</p>" in body

    def test_featured_images_become_lead_images_and_missing_ones_are_listed(self):
        assert self.article("104").lead_image.alt_text == "Helicopter over a flight deck"
        assert self.article("105").lead_image is None  # the file is not a picture
        assert self.article("106").lead_image is None  # not in the uploads copy
        assert "flight-deck-tall.jpg: unusable" in self.first
        assert "sonar-room.jpg: not in the media directory" in self.first
        assert "hotlinked.jpg: not in the WordPress uploads" in self.first

    def test_statuses_and_flags_follow_wordpress(self):
        assert self.article("116").is_scheduled  # future
        assert self.article("112").status == "draft"  # private
        assert self.article("113").status == "draft"  # password-protected
        assert "post 113 “Embargoed budget notes” (password-protected)" in self.first
        assert self.article("114").status == "draft" and self.article("114").published_at is None
        assert self.article("115").status == Article.Status.IN_REVIEW  # pending
        assert self.article("104").featured  # sticky
        assert not self.article("105").featured

    def test_categories_become_sections_and_tags(self):
        budget = self.article("125")  # submarines < naval < news, and analysis
        assert budget.section.name == "News"
        # Submarines gives the section through its mapped ancestor and stays a tag; Analysis,
        # mapped itself, is a section only.
        assert sorted(budget.tags.names()) == ["Budget", "Frigates", "Submarines"]
        assert list(self.article("128").tags.names()) == []  # "Uncategorized" is dropped

    def test_authors_and_bylines(self):
        assert self.article("125").byline_authors[0].name == "Tom Reyes"
        assert self.article("101").byline_authors[0].name == "Ada Marsh"
        assert Author.objects.get(import_id="photodesk").name == "photodesk"
        assert self.article("126").byline_authors[0].name == "guestwriter"
        assert "Author “guestwriter” is not among the export's authors" in self.first

    def test_slugs_are_ascii_and_one_per_day(self):
        # A Greek slug and title lose every letter in ASCII: the WordPress id stands in.
        assert self.article("121").slug == "post-121"
        assert (self.article("122").slug, self.article("123").slug) == ("drill-day", "drill-day-2")

    def test_comments_are_not_imported_as_content(self):
        body = self.article("124").body
        assert "The noise at night" not in body
        assert "Your letters about the harbour works." in body

    def test_pages_import_into_the_site_pages(self):
        slugs = dict(Page.objects.values_list("import_id", "slug"))
        assert slugs["301"] == "about" and slugs["302"] == "team" and slugs["309"] == "archive"
        assert slugs["304"] == "search-304"  # /search/ is the site's search
        assert slugs["305"] == "page-305"  # a Greek slug and title: the WordPress id
        assert all(re.fullmatch(r"[-a-z0-9]+", slug) for slug in slugs.values())
        published = set(Page.objects.filter(is_published=True).values_list("import_id", flat=True))
        assert published == {"301", "302", "303", "304", "305", "309"}
        response = self.client.get("/about/")
        assert response.status_code == 200
        assert "Fleet Notes reports on navies" in response.text

    def test_a_second_run_changes_nothing(self):
        for kind in ("authors", "attachments", "posts", "pages"):
            created, updated, unchanged, skipped, failed, _ = counts_line(self.second, kind)
            assert (created, updated, failed) == (0, 0, 0), kind
        assert counts_line(self.second, "posts")[2] == 26
        assert sorted(Article.objects.values_list("pk", "modified")) == self.snapshot
        assert "Kept as edited" not in self.second

    def test_progress_was_shown_on_stderr(self):
        assert "Importing posts and pages: 37/37 (100%)" in self.progress
