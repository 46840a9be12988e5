from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from support.models import (
    DEFAULT_SENTENCE,
    DonationClick,
    DonationOption,
    Page,
    SupportPage,
    render_sentence,
)
from tests.factories import DonationOptionFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/pay",
        "javascript:alert(1)",
        "ftp://example.org/pay",
        "//example.org/pay",
        "data:text/html,<script>alert(1)</script>",
        "https://",
    ],
)
def test_only_https_provider_urls_are_accepted(url):
    option = DonationOptionFactory.build(url=url)
    with pytest.raises(ValidationError) as error:
        option.full_clean()
    assert "url" in error.value.message_dict


def test_an_https_provider_url_is_accepted():
    option = DonationOptionFactory.build(url="https://example.org/pay/once?ref=site")
    option.full_clean()  # raises ValidationError if the URL is refused
    option.save()

    assert DonationOption.objects.get(pk=option.pk).url == "https://example.org/pay/once?ref=site"


def test_the_database_refuses_a_url_that_is_not_https():
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationOption.objects.create(label="Sneaky", slug="sneaky", url="http://example.org/")


def test_the_database_refuses_an_option_with_neither_url_nor_details():
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationOption.objects.create(label="Empty", slug="empty", kind="other")


def test_card_and_monthly_options_need_a_provider_url():
    for kind in (DonationOption.Kind.ONE_TIME, DonationOption.Kind.MONTHLY):
        option = DonationOptionFactory.build(kind=kind, url="", payment_details="Call us")
        with pytest.raises(ValidationError) as error:
            option.full_clean()
        assert error.value.message_dict["url"] == [
            "One-time and monthly options need the provider URL."
        ]


def test_bank_transfer_needs_account_details_and_no_url():
    option = DonationOptionFactory.build(kind=DonationOption.Kind.BANK, url="")
    with pytest.raises(ValidationError) as error:
        option.full_clean()
    assert "payment_details" in error.value.message_dict

    option.payment_details = "IBAN: XX00 0000"
    option.full_clean()


def test_there_is_only_ever_one_support_page():
    SupportPage(title="First").save()
    SupportPage(title="Second").save()  # saving a new instance edits the one row

    assert SupportPage.objects.count() == 1
    assert SupportPage.load().title == "Second"
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportPage.objects.bulk_create([SupportPage(pk=2, title="Another")])


def test_support_page_loads_its_defaults_before_anyone_saves_it():
    SupportPage.objects.all().delete()

    page = SupportPage.load()

    assert page.pk == 1 and page._state.adding
    assert page.cta_sentence == DEFAULT_SENTENCE


def test_support_page_rich_text_is_sanitised_when_saved():
    page = SupportPage.load()
    page.intro = '<p onclick="steal()">Hello<script>alert(1)</script></p>'
    page.body = '<p><a href="javascript:alert(1)">Pay</a><iframe src="https://x"></iframe></p>'
    page.thanks_body = "<p>Thanks<img src=x onerror=alert(1)></p>"
    page.save()
    page.refresh_from_db()

    assert page.intro == "<p>Hello</p>"
    assert "javascript:" not in page.body and "iframe" not in page.body
    assert "Pay" in page.body
    assert "onerror" not in page.thanks_body


def test_page_body_is_sanitised_when_saved():
    page = PageFactory(body='<h2 style="color:red">Who we are</h2><script>x()</script><form>')
    page.refresh_from_db()
    assert page.body == "<h2>Who we are</h2>"


def test_support_sentence_marks_at_most_one_link():
    page = SupportPage.load()
    for bad in ("Give [here] or [there].", "Unbalanced [here."):
        page.cta_sentence = bad
        with pytest.raises(ValidationError):
            page.full_clean()
    page.cta_sentence = "Like our work? Support it."
    page.full_clean()


def test_support_sentence_links_the_bracketed_words_or_the_whole_sentence():
    assert render_sentence("Like it? [Give here].", "/support/") == (
        '<p class="support-cta">Like it? <a href="/support/">Give here</a>.</p>'
    )
    assert render_sentence("Support us <today>", "/support/") == (
        '<p class="support-cta"><a href="/support/">Support us &lt;today&gt;</a></p>'
    )


@pytest.mark.parametrize("slug", ["authors", "support", "admin", "tag"])
def test_a_page_cannot_take_an_address_the_site_already_uses(slug):
    page = PageFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict["slug"] == [f"/{slug}/ is already another part of the site."]


def test_published_pages_are_the_only_ones_readers_get():
    PageFactory(slug="about")
    PageFactory(slug="advertise", is_published=False)
    assert [p.slug for p in Page.objects.published()] == ["about"]
    assert Page.objects.get(slug="about").get_absolute_url() == "/about/"


def test_clicks_are_counted_in_one_row_per_option_and_day():
    option = DonationOptionFactory()
    other = DonationOptionFactory()
    today = timezone.localdate()

    for _ in range(3):
        option.record_click()
    option.record_click(day=today - timedelta(days=1))
    other.record_click()

    rows = {(c.option_id, c.day): c.count for c in DonationClick.objects.all()}
    assert rows == {
        (option.pk, today): 3,
        (option.pk, today - timedelta(days=1)): 1,
        (other.pk, today): 1,
    }


def test_recent_clicks_cover_the_last_thirty_days_only(time_machine):
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 3, 31, 12)))
    option = DonationOptionFactory()
    option.record_click(day=date(2026, 3, 31))  # today
    option.record_click(day=date(2026, 3, 2))  # 29 days ago: inside the window
    option.record_click(day=date(2026, 3, 1))  # 30 days ago: outside
    DonationOptionFactory(slug="quiet")

    clicks = dict(DonationOption.objects.with_recent_clicks().values_list("slug", "recent_clicks"))

    assert clicks == {option.slug: 2, "quiet": 0}
