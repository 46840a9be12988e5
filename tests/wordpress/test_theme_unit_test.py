"""WordPress's own Theme Unit Test export, imported once for the class."""

import re
import shutil
import tempfile
import unittest
from pathlib import Path

from django.test import TestCase

from articles.models import Article, ArticleRedirect, Image
from support.models import Page
from tests.helpers.environment import in_ci
from tests.wordpress.exports import THEME_EXPORT, counts_line, run_import, write_jpeg

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
            if in_ci():
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
