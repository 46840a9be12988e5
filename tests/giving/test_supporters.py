"""Supporters' own page: sign-in by e-mailed link, their history, changing and cancelling a
regular gift, a new card, a yearly statement, and deleting themselves."""

import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from giving import links, stripe_api
from giving.models import Gift, SignInLink, Supporter

pytestmark = pytest.mark.django_db


def ask_for_link(client, email, capture):
    with capture(execute=True):
        return client.post("/supporter/sign-in/", {"email": email})


def link_in(message):
    return re.search(r"http://\S+/supporter/link/\S+/", message.body).group(0)


@pytest.fixture
def signed_in(reader, client, django_capture_on_commit_callbacks):
    reader.give(frequency="month", amount="10")
    mail.outbox.clear()
    ask_for_link(client, "Reader@Example.org ", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    assert client.post(link).url == "/supporter/"
    return client


def test_sign_in_answer_is_the_same_for_known_and_unknown_addresses(
    reader, client, django_capture_on_commit_callbacks
):
    reader.give()
    mail.outbox.clear()
    with time_machine.travel(timezone.now(), tick=False):  # the footer form's signed time
        known = ask_for_link(client, "reader@example.org", django_capture_on_commit_callbacks)
        unknown = ask_for_link(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace("reader@", "X") == unknown.content.decode().replace(
        "nobody@", "X"
    )
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]


def test_sign_in_link_is_single_use_and_opening_it_spends_nothing(signed_in, client):
    # The fixture used its link; a scanner's GET of a fresh one spends nothing.
    supporter = Supporter.objects.get()

    link = links.new_link(supporter).removeprefix("http://127.0.0.1:8000")
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert client.post(link).status_code == 410
    assert SignInLink.objects.filter(used_at=None).count() == 0


def test_sign_in_link_expires(reader, client, settings):
    reader.give()

    link = links.new_link(Supporter.objects.get()).removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(
        timezone.now() + timezone.timedelta(seconds=settings.SUPPORTER_LINK_MAX_AGE + 5)
    ):
        answer = client.post(link)
    assert answer.status_code == 410
    assert "This link has expired" in answer.content.decode()
    assert client.get("/supporter/").url == "/supporter/sign-in/"


def test_sign_in_requests_are_rate_limited_and_keep_the_address(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    for _ in range(2):
        client.post("/supporter/sign-in/", {"email": "someone@example.org"})
    refused = client.post("/supporter/sign-in/", {"email": "someone@example.org"})
    assert refused.status_code == 429
    assert 'value="someone@example.org"' in refused.content.decode()


def test_supporter_page_shows_gifts_and_history(signed_in):
    page = signed_in.get("/supporter/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "10.00 EUR" in body and "monthly" in body
    assert "no-cache" in page["Cache-Control"]


def test_change_the_amount(signed_in):
    gift = Gift.objects.get()
    answer = signed_in.post(f"/supporter/gift/{gift.pk}/amount/", {"amount": "15"}, follow=True)
    assert "your gift is now 15.00 EUR" in answer.content.decode()
    subscription = stripe_api.client().v1.subscriptions.retrieve(gift.stripe_subscription)
    assert subscription["items"]["data"][0]["quantity"] == 15
    gift.refresh_from_db()
    assert gift.amount == 1500


def test_change_to_an_amount_out_of_bounds_is_refused(signed_in):
    gift = Gift.objects.get()
    answer = signed_in.post(f"/supporter/gift/{gift.pk}/amount/", {"amount": "0"}, follow=True)
    assert "Give between 2 and 5000" in answer.content.decode()
    gift.refresh_from_db()
    assert gift.amount == 1000


def test_cancel_a_gift(signed_in):
    gift = Gift.objects.get()
    answer = signed_in.post(f"/supporter/gift/{gift.pk}/cancel/", follow=True)
    assert "Your regular gift is cancelled" in answer.content.decode()
    gift.refresh_from_db()
    assert gift.status == "cancelled"
    subscription = stripe_api.client().v1.subscriptions.retrieve(gift.stripe_subscription)
    assert subscription.status == "canceled"


def test_someone_elses_gift_is_404(signed_in):
    other = Supporter.objects.create(email="other@example.org", consent_at=timezone.now())
    theirs = Gift.objects.create(
        supporter=other,
        frequency="month",
        amount=500,
        currency="EUR",
        status="active",
        stripe_subscription="sub_other",
    )
    assert signed_in.post(f"/supporter/gift/{theirs.pk}/cancel/").status_code == 404


def test_new_card_for_regular_gifts(signed_in, stripe_local):
    secret = signed_in.post("/supporter/card/").json()["client_secret"]
    stripe_local.confirm_card(secret, "5555555555554444")
    answer = signed_in.post("/supporter/card/saved/", {"setup_intent": secret.split("_secret_")[0]})
    assert answer.json() == {"redirect": "/supporter/"}
    customer = stripe_api.client().v1.customers.retrieve(Supporter.objects.get().stripe_customer)
    method = stripe_api.client().v1.payment_methods.retrieve(
        customer.invoice_settings.default_payment_method
    )
    assert method.card.last4 == "4444"


def test_yearly_statement(signed_in):
    year = timezone.now().year
    answer = signed_in.get(f"/supporter/statement/{year}/")
    assert answer["Content-Disposition"] == f'attachment; filename="giving-statement-{year}.txt"'
    body = answer.content.decode()
    assert f"Statement of gifts for {year}" in body
    assert "Total kept: 10.00 EUR" in body


def test_delete_me_after_a_confirmation(signed_in):
    supporter = Supporter.objects.get()
    customer = supporter.stripe_customer
    assert "Delete your details?" in signed_in.get("/supporter/delete/").content.decode()
    assert Supporter.objects.exists()
    answer = signed_in.post("/supporter/delete/")
    assert "Your details are deleted" in answer.content.decode()
    assert not Supporter.objects.exists()
    assert Gift.objects.get().status == "cancelled"
    with pytest.raises(Exception, match="No such|Not Found|404"):
        stripe_api.client().v1.customers.retrieve(customer)
    assert signed_in.get("/supporter/").url == "/supporter/sign-in/"
