import pytest

from articles.models import Article
from media.models import Image
from tests.e2e.conftest import choose_autocomplete, choose_image, login_admin, screenshot
from tests.factories import AuthorFactory, SectionFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")


def write_picture(tmp_path, name, size, color):
    path = tmp_path / name
    path.write_bytes(image_bytes(*size, fmt="JPEG", color=color))
    return path


def test_editor_writes_and_publishes_an_article_with_images(page, editor, tmp_path):
    SectionFactory(name="Naval", slug="naval")
    AuthorFactory(name="Mira Lindqvist", slug="mira-lindqvist")
    lead_file = write_picture(tmp_path, "frigate.jpg", (1600, 900), (40, 80, 120))
    inline_file = write_picture(tmp_path, "dock.jpg", (1200, 800), (120, 100, 60))

    login_admin(page, "editor", "pw-editor-1")

    # The lead image goes into the media library first, with its alt text and credit.
    page.goto("/admin/media/image/add/")
    page.set_input_files("#id_file", str(lead_file))
    page.fill("#id_alt_text", "A frigate leaves the harbour at dawn")
    page.fill("#id_caption", "The first frigate of the class leaves harbour")
    page.fill("#id_credit", "Supplied: Navy")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("First frigate of new class starts sea trials")
    assert page.input_value("#id_slug") == "first-frigate-of-new-class-starts-sea-trials"
    page.fill("#id_standfirst", "The ship left harbour on Monday for six weeks of trials.")
    choose_autocomplete(page, "id_section", "Naval")
    choose_image(page, "frigate", "The first frigate")

    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.type("The frigate sailed at dawn with a reduced crew.")
    page.keyboard.press("Enter")
    page.set_input_files(".ck-file-dialog-button input[type=file]", str(inline_file))
    # The upload answers with the original while its renditions are made in the background;
    # saving the article then gives the picture the renditions (media/figures.py).
    page.wait_for_selector(".ck-editor__editable img[src*='/media/images/']")

    page.fill("#id_new_tags", "Frigates, Sea trials")
    page.click("#bylines-group .add-row a")
    choose_autocomplete(page, "id_bylines-0-author", "Mira Lindqvist")

    page.select_option("#id_status", "published")
    # .first: the article's own date; the corrections inline below has a published_at too.
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Today").first.click()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").first.click()
    screenshot(page, "admin-article-form")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(slug="first-frigate-of-new-class-starts-sea-trials")
    assert article.status == Article.Status.PUBLISHED
    assert article.lead_image.credit == "Supplied: Navy"
    assert article.byline_authors[0].name == "Mira Lindqvist"
    assert sorted(article.tags.names()) == ["Frigates", "Sea trials"]
    assert 'srcset="' in article.body and "/media/renditions/" in article.body
    assert Image.objects.count() == 2  # the lead image and the inline upload

    page.goto("/")
    page.get_by_role("link", name="First frigate of new class starts sea trials").first.click()
    assert page.locator("h1").inner_text() == "First frigate of new class starts sea trials"
    assert "The frigate sailed at dawn" in page.locator(".article-body").inner_text()
    assert page.locator(".article-body figure.image img").count() == 1
    assert page.locator(".lead-figure figcaption").inner_text().endswith("(Supplied: Navy)")
    assert not page.console_errors
    screenshot(page, "editor-published-article")
