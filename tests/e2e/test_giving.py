"""Giving in Chromium through localstripe's Stripe.js stand-in: a reader gives monthly
from an article, signs in to their supporter page by the e-mailed link, changes the
amount and cancels; a declined card is explained and the reader tries again; the
publisher reads the revenue view. localstripe delivers its webhooks to the live server."""

import re

import pytest
from django.core import mail

from demo.giving import load_giving
from giving import stripe_api
from giving.models import Donation, Gift
from tests.e2e.conftest import login_admin, screenshot
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name):
    return screenshot(page, name)


def assert_accessible_outside_the_card(page):
    """axe-core, without localstripe's stand-in card inputs (the real Card Element is
    Stripe's own labelled frame)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"exclude": [["#card-element"]]})
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad


@pytest.fixture
def stripe_site(stripe_local, live_server):
    stripe_local.server.register_webhook(f"{live_server.url}/support/stripe/webhook/")
    return stripe_local


def type_card(page, number):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("10115")


def fill_reader(page, email="reader@example.org"):
    page.locator("#id_email").fill(email)
    page.locator("#id_name").fill("Ada Reader")
    page.locator("#id_consent").check()


def test_reader_gives_monthly_then_manages_the_gift_from_the_supporter_page(page, stripe_site):
    article = ArticleFactory(title="Inside the new tank factory")
    page.goto(article.get_absolute_url())
    page.locator(".support-cta a").click()
    page.wait_for_url(f"**/support/donate/?from={article.pk}")
    assert "Inside the new tank factory" in page.locator(".feedback-intro").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Monthly").check()
    page.get_by_label("10", exact=True).check()
    fill_reader(page)
    type_card(page, "4242424242424242")
    assert_accessible_outside_the_card(page)
    shot(page, "donate-form-phone")
    page.get_by_role("button", name="Give now").click()
    page.wait_for_url("**/support/donate/thanks/**")
    assert "Your monthly gift of 10.00 EUR" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    gift = Gift.objects.get()
    assert (gift.status, gift.amount, gift.source_article_id) == ("active", 1000, article.pk)
    assert any("receipt" in m.subject for m in mail.outbox)

    page.get_by_role("link", name="your supporter page").click()
    page.locator("#id_email").fill("reader@example.org")
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    assert page.locator("h1").inner_text() == "Check your inbox"
    [sign_in] = [m for m in mail.outbox if "supporter page" in m.subject]
    link = re.search(r"http://\S+/supporter/link/\S+/", sign_in.body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", ""))
    page.get_by_role("button", name="Open my supporter page").click()
    page.wait_for_url("**/supporter/")
    assert "10.00 EUR" in page.locator(".gift").inner_text()
    shot(page, "supporter-page")

    page.get_by_label("New amount (EUR)").fill("15")
    page.get_by_role("button", name="Change amount").click()
    assert "your gift is now 15.00 EUR" in page.locator(".messages").inner_text()
    subscription = stripe_api.client().v1.subscriptions.retrieve(gift.stripe_subscription)
    assert subscription["items"]["data"][0]["quantity"] == 15

    page.get_by_role("button", name="Cancel this gift").click()
    assert "Your regular gift is cancelled" in page.locator(".messages").inner_text()
    assert "You have no regular gift" in page.locator("main").inner_text()
    gift.refresh_from_db()
    assert gift.status == "cancelled"
    assert not page.console_errors


def test_declined_card_is_explained_and_the_reader_tries_again(page, stripe_site):
    page.goto("/support/donate/?frequency=once&amount=25")
    fill_reader(page, "second@example.org")
    type_card(page, "4000000000000341")  # saved, then declined when charged
    page.get_by_role("button", name="Give now").click()
    problem = page.locator("#donate-problem")
    problem.wait_for()
    assert "Your bank declined the card" in problem.inner_text()
    assert page.locator("#id_email").input_value() == "second@example.org"
    shot(page, "donate-declined")
    type_card(page, "4242424242424242")
    page.get_by_role("button", name="Give now").click()
    page.wait_for_url("**/support/donate/thanks/**")
    assert "Your gift of 25.00 EUR" in page.locator("main").inner_text()
    assert sorted(Donation.objects.values_list("status", flat=True)) == ["failed", "succeeded"]


def test_publisher_reads_the_revenue_view(page, django_user_model, stripe_site):
    ArticleFactory.create_batch(3)
    load_giving()
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-12345")
    login_admin(page, "boss", "pw-boss-12345")
    page.goto("/admin/giving/donation/")
    page.get_by_role("link", name="Revenue numbers").click()
    assert "50.00 EUR" in page.locator("#content-main").inner_text()
    shot(page, "revenue-view")


def test_support_page_quick_choice_fills_in_the_card_form(page, stripe_site):
    page.goto("/support/")
    choice = page.locator(".give-inline")
    choice.get_by_label("Annual").check()
    choice.get_by_label("25").check()
    shot(page, "support-page-quick-choice")
    choice.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/support/donate/?frequency=year&amount=25")
    assert page.locator("#id_frequency_2").is_checked()  # Annual
    assert page.locator("#id_amount_2").is_checked()  # 25


def test_donate_page_and_revenue_view_fit_a_phone(page, django_user_model, stripe_site):
    load_giving()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/support/donate/")
    assert page.title() == "Give to us | Defence Blog"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The consent box beside its long label is as big as the short label's box.
    consent = page.locator("#id_consent").bounding_box()
    anonymous = page.locator("#id_anonymous").bounding_box()
    assert consent["width"] == anonymous["width"] >= 16
    shot(page, "donate-phone")

    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-12345")
    login_admin(page, "boss", "pw-boss-12345")
    page.goto("/admin/giving/donation/revenue/")
    assert page.get_by_role("columnheader", name="Disputes").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "revenue-phone")
