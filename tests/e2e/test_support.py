import pytest

from demo.support_pages import load_support_pages
from support.models import DonationClick, DonationOption, Page
from tests.e2e.conftest import assert_accessible, login_admin, screenshot
from tests.factories import ArticleFactory, DonationOptionFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")


def option_labels(page):
    return page.locator(".option-list h3").all_inner_texts()


def test_reader_goes_from_an_article_to_the_support_page_and_follows_an_option(page):
    load_support_pages()
    article = ArticleFactory(
        title="Navy commissions its first uncrewed minehunter",
        section=SectionFactory(name="Naval", slug="naval"),
        tags=["Mine warfare"],
    )
    outbound = []

    def provider(route):
        outbound.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="ok")

    page.route("https://example.org/**", provider)

    page.goto(article.get_absolute_url())
    sentence = page.locator(".article-footer .support-cta")
    assert sentence.inner_text() == (
        "If you would like to show your support for what we are doing, here's where to do it."
    )
    footer = page.locator(".site-footer")
    assert footer.get_by_role("link", name="Corrections policy").is_visible()
    assert footer.get_by_role("link", name="Support us").is_visible()
    screenshot(page, "support-sentence-on-article")

    sentence.get_by_role("link", name="here's where to do it").click()
    page.wait_for_url("**/support/")
    assert page.locator("h1").inner_text() == "Support Defence Blog"
    assert option_labels(page) == [
        "Give once",
        "Become a monthly supporter",
        "Give with PayPal",
        "Transfer from your bank",
    ]
    assert "EXAMPLE ONLY" in page.locator("#option-bank-transfer .payment-details").inner_text()
    assert_accessible(page)
    screenshot(page, "support-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "support-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Support us monthly").click()
    page.wait_for_url("https://example.org/membership/defence-blog/monthly")

    assert outbound == ["https://example.org/membership/defence-blog/monthly"]
    assert page.locator("body").inner_text() == "ok"
    monthly = DonationOption.objects.get(slug="monthly")
    assert DonationClick.objects.get(option=monthly).count == 1
    assert not page.console_errors


def test_editor_reorders_and_deactivates_options_and_the_page_follows(page, editor):
    load_support_pages()
    DonationOptionFactory(label="Become a patron", slug="patron", order=50, kind="monthly")
    DonationOption.objects.get(slug="monthly").record_click()

    page.goto("/support/")
    assert option_labels(page) == [
        "Give once",
        "Become a monthly supporter",
        "Give with PayPal",
        "Transfer from your bank",
        "Become a patron",
    ]

    login_admin(page, "editor", "pw-editor-1")
    page.goto("/admin/support/donationoption/")
    rows = page.locator("#result_list tbody tr")
    monthly_row = rows.filter(has_text="Become a monthly supporter")
    assert monthly_row.locator(".field-recent_clicks").inner_text() == "1"
    rows.filter(has_text="Become a patron").locator("input[name$='-order']").fill("1")
    rows.filter(has_text="Give with PayPal").locator("input[name$='-is_active']").uncheck()
    screenshot(page, "admin-donation-options")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto("/support/")
    assert option_labels(page) == [
        "Become a patron",
        "Give once",
        "Become a monthly supporter",
        "Transfer from your bank",
    ]
    assert page.get_by_role("link", name="Donate with PayPal").count() == 0
    assert page.request.get("/support/go/paypal/").status == 404


def test_editor_writes_the_support_text_and_a_page_in_the_rich_text_editor(page, editor):
    load_support_pages()
    article = ArticleFactory(title="Air force retires its last tanker of the old fleet")
    login_admin(page, "editor", "pw-editor-1")

    page.goto("/admin/support/supportpage/")
    page.wait_for_url("**/admin/support/supportpage/1/change/")
    intro = page.locator(".field-intro .ck-editor__editable")
    intro.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Every gift is read by a person, not a machine.")
    page.fill("#id_cta_sentence", "Reporting like this costs money: [chip in].")
    screenshot(page, "admin-support-page")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto(f"/admin/support/page/{Page.objects.get(slug='ethics').pk}/change/")
    body = page.locator(".ck-editor__editable")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("We publish this policy and keep it up to date.")
    page.fill("#id_footer_order", "0")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto("/support/")
    assert "Every gift is read by a person" in page.locator(".support-intro").inner_text()
    page.goto(article.get_absolute_url())
    sentence = page.locator(".support-cta")
    assert sentence.inner_text() == "Reporting like this costs money: chip in."
    footer_links = page.locator(".site-footer nav").nth(1).get_by_role("link").all_inner_texts()
    assert footer_links[0] == "Ethics policy" and footer_links[-1] == "Support us"

    page.locator(".site-footer").get_by_role("link", name="Ethics policy").click()
    page.wait_for_url("**/ethics/")
    assert "We publish this policy and keep it up to date." in page.locator(".prose").inner_text()
    assert_accessible(page)
    screenshot(page, "site-page-ethics")
    assert not page.console_errors
