from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from support.models import DonationOption, Page, SupportPage
from tests.factories import ArticleFactory, DonationOptionFactory, PageFactory

pytestmark = pytest.mark.django_db


def option_form(**changes):
    data = {
        "label": "Give once",
        "slug": "give-once",
        "kind": "one_time",
        "description": "Any amount.",
        "button_text": "Give now",
        "url": "https://example.org/pay",
        "payment_details": "",
        "order": "1",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_support_page_list_goes_straight_to_the_one_page(staff_client):
    response = staff_client.get("/admin/support/supportpage/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/support/supportpage/1/change/"


def test_support_page_cannot_be_added_twice_or_deleted(staff_client):
    assert SupportPage.objects.count() == 1  # created by the migration
    assert staff_client.get("/admin/support/supportpage/add/").status_code == 403
    assert staff_client.get("/admin/support/supportpage/1/delete/").status_code == 403
    change = staff_client.get("/admin/support/supportpage/1/change/").content.decode()
    assert "deletelink" not in change
    assert "django_ckeditor_5" in change and 'name="intro"' in change


def test_editor_saves_the_support_page_and_text_is_sanitised(staff_client):
    response = staff_client.post(
        "/admin/support/supportpage/1/change/",
        {
            "title": "Back independent reporting",
            "intro": "<p>Hello<script>alert(1)</script></p>",
            "body": '<p onmouseover="x()">Where the money goes</p>',
            "seo_description": "",
            "cta_sentence": "Like this? [Support us].",
            "thanks_title": "Thanks",
            "thanks_body": "",
        },
    )

    assert response.status_code == 302
    page = SupportPage.load()
    assert page.title == "Back independent reporting"
    assert page.intro == "<p>Hello</p>" and page.body == "<p>Where the money goes</p>"
    assert page.cta_sentence == "Like this? [Support us]."


def test_support_sentence_with_two_links_is_refused(staff_client):
    response = staff_client.post(
        "/admin/support/supportpage/1/change/",
        {"title": "T", "cta_sentence": "[One] and [two]", "thanks_title": "Thanks"},
    )
    assert response.status_code == 200
    assert "Mark at most one part of the sentence as the link" in response.content.decode()


def test_editor_adds_a_donation_option(staff_client):
    response = staff_client.post("/admin/support/donationoption/add/", option_form())
    assert response.status_code == 302
    assert DonationOption.objects.get().url == "https://example.org/pay"


def test_an_address_typed_without_a_scheme_becomes_https(staff_client):
    staff_client.post("/admin/support/donationoption/add/", option_form(url="example.org/pay"))
    assert DonationOption.objects.get().url == "https://example.org/pay"


@pytest.mark.parametrize("url", ["http://example.org/pay", "javascript:alert(1)"])
def test_admin_refuses_a_url_that_is_not_https(staff_client, url):
    response = staff_client.post("/admin/support/donationoption/add/", option_form(url=url))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not DonationOption.objects.exists()


def test_admin_requires_details_for_a_bank_transfer(staff_client):
    response = staff_client.post(
        "/admin/support/donationoption/add/", option_form(kind="bank", url="")
    )
    assert "Bank transfers need the account details." in response.content.decode()


def test_option_list_shows_clicks_of_the_last_thirty_days(staff_client):
    busy = DonationOptionFactory(label="Busy option")
    today = timezone.localdate()
    for _ in range(4):
        busy.record_click()
    busy.record_click(day=today - timedelta(days=10))
    busy.record_click(day=today - timedelta(days=45))  # too old to count

    html = staff_client.get("/admin/support/donationoption/").content.decode()

    assert "Clicks (30 days)" in html
    assert '<td class="field-recent_clicks">5</td>' in html


def test_option_form_shows_clicks_per_day(staff_client):
    option = DonationOptionFactory()
    today = timezone.localdate()
    option.record_click()
    option.record_click()
    option.record_click(day=today - timedelta(days=3))

    html = staff_client.get(f"/admin/support/donationoption/{option.pk}/change/").content.decode()

    assert f"<td>{today:%a %d %b %Y}</td><td>2</td>" in html
    assert f"<td>{today - timedelta(days=3):%a %d %b %Y}</td><td>1</td>" in html
    assert '<th scope="row">Total</th><td>3</td>' in html
    assert f"<code>/support/go/{option.slug}/</code>" in html


@pytest.mark.parametrize("size", [3, 20])
def test_option_admin_runs_a_fixed_number_of_queries(staff_client, django_assert_num_queries, size):
    for n in range(size):
        option = DonationOptionFactory()
        for day in range(n % 4):
            option.record_click(day=timezone.localdate() - timedelta(days=day))
    staff_client.get("/admin/")  # warm the session
    # and the per-process content-type cache ("View on site" on the change page), as in
    # production: whether an earlier test filled it must not change the count.
    staff_client.get(f"/admin/support/donationoption/{option.pk}/change/")
    with django_assert_num_queries(6):
        assert staff_client.get("/admin/support/donationoption/").status_code == 200
    with django_assert_num_queries(5):
        assert staff_client.get(f"/admin/support/donationoption/{option.pk}/change/").status_code


def test_editor_reorders_and_deactivates_options_from_the_list(staff_client):
    first = DonationOptionFactory(label="First", order=1)
    second = DonationOptionFactory(label="Second", order=2)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": str(first.pk),
        "form-0-order": "5",
        "form-0-is_active": "on",
        "form-1-id": str(second.pk),
        "form-1-order": "1",
        "_save": "Save",
    }

    response = staff_client.post("/admin/support/donationoption/", data)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, first.is_active, second.order, second.is_active) == (5, True, 1, False)


def test_editor_writes_a_page_with_the_rich_text_editor(staff_client):
    form = staff_client.get("/admin/support/page/add/").content.decode()
    assert "django_ckeditor_5" in form

    response = staff_client.post(
        "/admin/support/page/add/",
        {
            "title": "Ethics policy",
            "slug": "ethics",
            "body": "<p>We take no gifts.</p><script>x()</script>",
            "seo_description": "",
            "is_published": "on",
            "footer_order": "5",
        },
    )

    assert response.status_code == 302
    assert Page.objects.get(slug="ethics").body == "<p>We take no gifts.</p>"


def test_admin_refuses_a_page_address_that_belongs_to_the_site(staff_client):
    response = staff_client.post(
        "/admin/support/page/add/",
        {"title": "Authors", "slug": "authors", "body": "", "footer_order": "0"},
    )
    assert "/authors/ is already another part of the site." in response.content.decode()


def test_page_list_links_to_each_page(staff_client):
    PageFactory(slug="about", title="About")
    html = staff_client.get("/admin/support/page/").content.decode()
    assert '<a href="/about/">/about/</a>' in html


# --- A restore writes only the page in the address (issue 23) ----------------------------


@pytest.fixture
def page_editor(client, django_user_model):
    """Staff who may edit site pages and nothing else."""
    user = django_user_model.objects.create_user("pages", "pages@example.org", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="support", content_type__model="page")
    )
    client.force_login(user)
    return client


def page_revision_url(page, version):
    return reverse("admin:support_page_revision", args=[page.pk, version.pk])


def test_a_page_revision_is_served_only_for_the_page_in_the_address(page_editor):
    """The attack: a page with the same id as an article; the article's revision, asked
    for through the page's history, would restore the article."""
    article = ArticleFactory(title="Headline as first written")
    with reversion.create_revision():
        reversion.add_to_revision(article)
    version = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(title="Headline as corrected")
    page = PageFactory(pk=article.pk, slug="about", title="About")
    data = {"title": "About", "slug": "about", "body": "<p>Us.</p>", "seo_description": ""}
    data |= {"is_published": "on", "footer_order": "1"}

    assert page_editor.get(page_revision_url(page, version)).status_code == 404
    assert page_editor.post(page_revision_url(page, version), data).status_code == 404
    article.refresh_from_db()
    assert article.title == "Headline as corrected"


def test_editor_restores_an_earlier_page(page_editor):
    page = PageFactory(slug="about", title="About", body="<p>First text.</p>")
    with reversion.create_revision():
        reversion.add_to_revision(page)
    first = Version.objects.get_for_object(page).get()
    Page.objects.filter(pk=page.pk).update(body="<p>Second text.</p>")
    form = page_editor.get(page_revision_url(page, first))
    assert form.status_code == 200
    assert form.context["adminform"].form["body"].value() == "<p>First text.</p>"
