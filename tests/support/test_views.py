import pytest

from support.models import DonationClick, DonationOption, SupportPage
from tests.factories import ArticleFactory, DonationOptionFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_page():
    page = SupportPage.load()
    page.title = "Keep defence reporting free"
    page.intro = "<p>Readers pay for our reporting.</p>"
    page.body = "<h2>Where the money goes</h2><p>Travel and fact-checking.</p>"
    page.cta_sentence = "Found this useful? [Back our reporting]."
    page.save()
    return page


def clicks(option):
    return sum(DonationClick.objects.filter(option=option).values_list("count", flat=True))


def test_support_page_shows_the_editors_text_then_active_options_in_order(client, support_page):
    DonationOptionFactory(label="Monthly supporters", order=2, kind="monthly")
    DonationOptionFactory(label="Give once", order=1, button_text="Give once by card")
    DonationOptionFactory(label="Retired option", order=0, is_active=False)
    DonationOptionFactory(
        label="Bank transfer",
        kind="bank",
        url="",
        order=3,
        payment_details="Account: Example Media\nIBAN: XX00 1234",
    )

    response = client.get("/support/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Keep defence reporting free</h1>" in html
    assert "Readers pay for our reporting." in html and "Where the money goes" in html
    assert html.index("Where the money goes") < html.index("Give once")
    assert html.index("Give once") < html.index("Monthly supporters") < html.index("Bank transfer")
    assert "Retired option" not in html
    assert "Account: Example Media<br>IBAN: XX00 1234" in html
    give_once = DonationOption.objects.get(label="Give once")
    assert f'href="/support/go/{give_once.slug}/"' in html and ">Give once by card</a>" in html
    assert "https://example.org" not in html  # readers leave through the tracked link


def test_support_page_reads_well_with_no_active_options(client, support_page):
    DonationOptionFactory(is_active=False)

    html = client.get("/support/").content.decode()

    assert "Keep defence reporting free" in html
    assert "We are not taking donations online at the moment." in html
    assert "/support/go/" not in html


def test_tracked_link_counts_the_click_and_redirects_to_the_stored_url(client):
    option = DonationOptionFactory(url="https://example.org/pay/once")

    first = client.get(f"/support/go/{option.slug}/")
    client.get(f"/support/go/{option.slug}/")

    assert first.status_code == 302
    assert first["Location"] == "https://example.org/pay/once"
    assert "no-cache" in first["Cache-Control"] and "no-store" in first["Cache-Control"]
    assert first["X-Robots-Tag"] == "noindex, nofollow"
    assert clicks(option) == 2
    assert DonationClick.objects.count() == 1  # one row for today


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example.com/",
        "?url=https://evil.example.com/",
        "?redirect_to=//evil.example.com",
        "?to=javascript:alert(1)",
    ],
)
def test_no_query_parameter_changes_the_destination(client, query):
    option = DonationOptionFactory(url="https://example.org/pay/once")
    response = client.get(f"/support/go/{option.slug}/{query}")
    assert response["Location"] == "https://example.org/pay/once"


def test_unknown_inactive_and_linkless_options_are_404_and_count_nothing(client):
    inactive = DonationOptionFactory(is_active=False)
    bank = DonationOptionFactory(kind="bank", url="", payment_details="IBAN: XX00")

    assert client.get("/support/go/no-such-option/").status_code == 404
    assert client.get(f"/support/go/{inactive.slug}/").status_code == 404
    assert client.get(f"/support/go/{bank.slug}/").status_code == 404
    assert DonationClick.objects.count() == 0


def test_tracked_link_only_answers_get(client):
    option = DonationOptionFactory()
    assert client.post(f"/support/go/{option.slug}/").status_code == 405
    assert clicks(option) == 0


def test_thanks_page_is_there_for_providers_to_return_to(client, support_page):
    support_page.thanks_title = "Thank you, truly"
    support_page.thanks_body = "<p>Your receipt is on its way.</p>"
    support_page.save()

    response = client.get("/support/thanks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Thank you, truly</h1>" in html and "Your receipt is on its way." in html
    assert '<meta name="robots" content="noindex">' in html


def test_every_article_ends_with_the_editable_support_sentence(client, support_page):
    article = ArticleFactory(tags=["Artillery"])

    html = client.get(article.get_absolute_url()).content.decode()

    assert (
        '<p class="support-cta">Found this useful? '
        f'<a href="/support/donate/?from={article.pk}">Back our reporting</a>.</p>'
    ) in html
    footer = html.split('<footer class="article-footer">')[1]
    assert footer.index("support-cta") < footer.index('class="tags"')


def test_article_shows_the_default_sentence_before_the_support_page_is_saved(client):
    SupportPage.objects.all().delete()
    article = ArticleFactory()

    html = client.get(article.get_absolute_url()).content.decode()

    assert (
        "If you would like to show your support for what we are doing, "
        f'<a href="/support/donate/?from={article.pk}">here&#x27;s where to do it</a>.'
    ) in html


def test_site_page_shows_its_text(client):
    PageFactory(
        slug="about",
        title="About Defence Blog",
        body="<p>An independent newsroom.</p>",
        seo_description="Who we are.",
    )

    response = client.get("/about/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="page-title">About Defence Blog</h1>' in html
    assert "An independent newsroom." in html
    assert '<meta name="description" content="Who we are.">' in html
    assert 'rel="canonical" href="http://127.0.0.1:8000/about/"' in html


def test_unpublished_and_unknown_pages_are_404_for_readers(client):
    PageFactory(slug="advertise", is_published=False)
    assert client.get("/advertise/").status_code == 404
    assert client.get("/no-such-page/").status_code == 404


def test_staff_see_unpublished_pages_with_a_banner_and_no_caching(staff_client):
    PageFactory(slug="advertise", title="Advertise", is_published=False)

    response = staff_client.get("/advertise/")

    assert response.status_code == 200
    assert "Not published." in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_pages_do_not_shadow_the_rest_of_the_site(client):
    PageFactory(slug="about")
    assert client.get("/authors/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/about").status_code == 301  # the slash is added, as everywhere


def test_footer_lists_published_pages_in_order_and_the_support_link(client):
    PageFactory(slug="privacy", title="Privacy policy", footer_order=3)
    PageFactory(slug="about", title="About us", footer_order=1)
    PageFactory(slug="contact", title="Contact", footer_order=2)
    PageFactory(slug="advertise", title="Advertise", is_published=False)

    html = client.get("/").content.decode()

    footer = html.split('<footer class="site-footer">')[1]
    assert footer.index(">About us<") < footer.index(">Contact<") < footer.index(">Privacy policy<")
    assert 'href="/about/"' in footer and "Advertise" not in footer
    assert '<a class="footer-support" href="/support/">Support us</a>' in footer


@pytest.mark.parametrize("url", ["/support/", "/support/thanks/", "/about/"])
def test_reader_pages_are_cacheable_by_a_cdn_with_a_strict_policy(client, url):
    PageFactory(slug="about")
    response = client.get(url)
    assert "public" in response["Cache-Control"] and "s-maxage=300" in response["Cache-Control"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "style=" not in response.content.decode()


@pytest.mark.parametrize("size", [3, 15])
def test_reader_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, support_page, warm_site, size
):
    for n in range(size):
        DonationOptionFactory(kind="bank" if n % 3 == 0 else "one_time", payment_details="X")
        PageFactory(slug=f"page-{n}")
    PageFactory(slug="about")
    pages = {
        # navigation and footer from process memory (warm_site)
        "/support/": 2,  # support page, options
        "/support/thanks/": 1,
        "/about/": 1,
    }
    warm_site()
    for url, expected in pages.items():
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200, url


def test_footer_and_support_sentence_share_one_query(support_page, django_assert_num_queries):
    from core.content_state import content_state
    from support.context_processors import SiteLinks

    PageFactory(slug="about", title="About")
    links = SiteLinks()
    content_state.version()  # the content state (and its schedule) is read first, once per change
    with django_assert_num_queries(1):
        assert links.sentence == support_page.cta_sentence
        assert [p.get_absolute_url() for p in links.pages] == ["/about/"]
