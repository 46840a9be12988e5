"""The donation form against localstripe: one-time and regular gifts, declines, bad
input, and Stripe out of reach."""

import pytest
from django.core import mail

from giving.models import Checkout, Donation, Gift, Supporter
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_one_time_gift_is_charged_and_receipted(reader):
    token, answer = reader.give(amount="25")
    assert answer.status_code == 200
    assert answer.json() == {
        "state": "done",
        "redirect": f"/support/donate/thanks/?checkout={token}",
    }
    donation = Donation.objects.get()
    assert (donation.status, donation.amount, donation.currency) == ("succeeded", 2500, "EUR")
    assert donation.stripe_payment_intent.startswith("pi_")
    assert donation.supporter.email == "reader@example.org"
    assert donation.supporter.stripe_customer.startswith("cus_")
    assert donation.supporter.consent_at is not None
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["reader@example.org"]
    assert "25.00 EUR" in receipt.body
    assert "One-time gift" in receipt.body


def test_thank_you_page_shows_the_gift(reader, client):
    token, answer = reader.give(amount="other", other_amount="42")
    page = client.get(answer.json()["redirect"])
    assert page.status_code == 200
    assert "Your gift of 42.00 EUR" in page.content.decode()
    assert "no-cache" in page["Cache-Control"]


def test_monthly_gift_starts_a_subscription_and_records_its_first_payment(reader):
    token, answer = reader.give(frequency="month", amount="10", currency="GBP")
    assert answer.json()["state"] == "done"
    gift = Gift.objects.get()
    assert (gift.status, gift.amount, gift.currency, gift.frequency) == (
        "active",
        1000,
        "GBP",
        "month",
    )
    assert gift.stripe_subscription.startswith("sub_")
    first = gift.donations.get()
    assert (first.status, first.amount, first.frequency) == ("succeeded", 1000, "month")
    assert "Monthly gift" in mail.outbox[0].body


def test_annual_gift(reader):
    reader.give(frequency="year", amount="50")
    gift = Gift.objects.get()
    assert (gift.frequency, gift.amount, gift.status) == ("year", 5000, "active")


def test_story_the_reader_came_from_is_kept(reader):
    article = ArticleFactory()
    reader.give(source=str(article.pk))
    assert Donation.objects.get().source_article == article


def test_card_declined_when_saved_lets_the_reader_try_again(reader, stripe_local):
    started = reader.start().json()
    refused = stripe_local.confirm_card(started["client_secret"], "4000000000000002")
    assert "error" in refused
    answer = reader.complete(started["token"])
    assert answer.status_code == 402
    assert "not confirmed" in answer.json()["error"]
    assert not Donation.objects.exists()
    # Another try with a good card goes through.
    token, again = reader.give()
    assert again.json()["state"] == "done"
    assert Donation.objects.get().status == "succeeded"


def test_card_declined_when_charged_is_explained_and_recorded(reader):
    token, answer = reader.give(card="4000000000000341")
    assert answer.status_code == 402
    assert answer.json()["error"] == (
        "Your bank declined the card. Try another card, or ask your bank why."
    )
    donation = Donation.objects.get()
    assert donation.status == "failed"
    assert not mail.outbox
    # The same checkout may be completed again once the reader saves another card.
    assert Checkout.objects.get(token=token).donation is None


def test_monthly_gift_declined_when_charged_ends_the_subscription(reader):
    token, answer = reader.give(card="4000000000000341", frequency="month")
    assert answer.status_code == 402
    assert "declined" in answer.json()["error"]
    assert Gift.objects.get().status == "cancelled"


def test_bank_check_three_d_secure(reader, stripe_local):
    token, answer = reader.give(card="4000002500003155")
    assert answer.json()["state"] == "authenticate"
    assert Donation.objects.get().status == "pending"
    stripe_local.authenticate(answer.json()["client_secret"])
    again = reader.complete(token)
    assert again.json()["state"] == "done"
    assert Donation.objects.get().status == "succeeded"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "other", "other_amount": "1"}, "other_amount", "Give between 2 and 5000"),
        ({"amount": "other", "other_amount": "999999"}, "other_amount", "Give between"),
        ({"amount": "other", "other_amount": "ten"}, "other_amount", "whole number"),
        ({"amount": "7"}, "amount", "Choose one of the amounts"),
        ({"currency": "XAU"}, "currency", "only in the currencies listed"),
        ({"frequency": "weekly"}, "frequency", "Choose one time, monthly or annual"),
        ({"email": "not-an-address"}, "email", "does not look like an e-mail"),
        ({"consent": ""}, "consent", "tick the box"),
    ],
)
def test_bad_choices_are_refused_with_a_message_and_nothing_stored(reader, fields, field, message):
    answer = reader.start(**fields)
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["errors"][field])
    assert not Supporter.objects.exists()
    assert not Checkout.objects.exists()


def test_a_tampered_amount_cannot_change_the_price(reader, stripe_local):
    started = reader.start(amount="10").json()
    stripe_local.confirm_card(started["client_secret"])
    reader.client.post(
        "/support/donate/complete/", {"token": started["token"], "amount": "1", "price": "x"}
    )
    assert Donation.objects.get().amount == 1000


def test_stripe_out_of_reach_says_so_and_stores_nothing(reader, settings):
    from tests.storage_fixtures import _free_port

    settings.STRIPE_API_BASE = f"http://127.0.0.1:{_free_port()}"
    answer = reader.start()
    assert answer.status_code == 503
    assert "could not reach our card payment provider" in answer.json()["error"]
    assert not Supporter.objects.exists()
    assert not Checkout.objects.exists()


def test_donate_page_allows_exactly_stripe_in_its_policy(client, stripe_local):
    page = client.get("/support/donate/?frequency=month&amount=25&from=abc")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    origin = stripe_local.server.url
    assert f"connect-src 'self' {origin}" in policy
    assert f"frame-src {origin}" in policy
    assert origin in policy.split("script-src")[1].split(";")[0]
    body = page.content.decode()
    assert f'src="{origin}/js.stripe.com/v3/"' in body
    assert 'value="month" required id="id_frequency_1" checked' in body
    assert 'value="25" required id="id_amount_2" checked' in body
    assert "no-cache" in page["Cache-Control"]


def test_donate_page_without_stripe_sends_readers_to_the_other_options(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert client.get("/support/donate/").url == "/support/"


def test_support_page_offers_the_quick_choice_and_stays_cacheable(client, stripe_local):
    page = client.get("/support/")
    body = page.content.decode()
    assert '<form class="give-inline" action="/support/donate/" method="get">' in body
    assert "csrfmiddlewaretoken" not in body
    assert "public" in page["Cache-Control"]
    assert "not taking donations online" not in body


def test_article_support_line_names_the_article_as_the_source(client, reader):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/support/donate/?from={article.pk}"' in html
    donate = client.get(f"/support/donate/?from={article.pk}").content.decode()
    assert f'<input type="hidden" name="source" value="{article.pk}">' in donate
    assert article.title in donate


def test_donate_page_reads_a_fixed_number_of_queries(
    client, stripe_local, warm_site, django_assert_num_queries
):
    article = ArticleFactory()
    warm_site()
    with django_assert_num_queries(1):  # the story the reader came from
        assert client.get(f"/support/donate/?from={article.pk}").status_code == 200
    ArticleFactory.create_batch(5)
    warm_site()
    with django_assert_num_queries(1):
        client.get(f"/support/donate/?from={article.pk}")


def test_monthly_gift_with_the_bank_check(reader, stripe_local):
    token, answer = reader.give(card="4000002500003155", frequency="month")
    assert answer.json()["state"] == "authenticate"
    assert Gift.objects.get().status == "incomplete"
    stripe_local.authenticate(answer.json()["client_secret"])
    again = reader.complete(token)
    assert again.json()["state"] == "done"
    gift = Gift.objects.get()
    assert gift.status == "active"
    assert gift.donations.get().status == "succeeded"


def test_card_form_is_rate_limited_against_card_testing(reader, settings):
    settings.FEEDBACK_RATE_LIMIT = 3
    for _ in range(3):
        assert reader.start().status_code == 200
    refused = reader.start()
    assert refused.status_code == 429
    assert "Nothing was charged" in refused.json()["error"]
    assert Checkout.objects.count() == 3


def test_someone_typing_a_supporters_address_cannot_rename_them(reader):
    reader.give(name="Ada Reader")
    reader.give(name="Mallory")
    assert Supporter.objects.get().name == "Ada Reader"
