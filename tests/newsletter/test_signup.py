"""Sign-up, double opt-in, no reveal, spam defences."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core.spam import form_token
from newsletter import subscriptions
from newsletter.models import Subscriber

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://\S+/newsletter/confirm/\S+/")


def confirm_link(message):
    return LINK.search(message.body).group(0).replace("http://127.0.0.1:8000", "")


def test_signup_stores_a_pending_subscriber_with_consent_and_sends_a_link(signup):
    response = signup("Reader@Example.org", source="footer")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-inbox/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@Example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source == "footer"
    assert "unsubscribe at any time" in subscriber.consent_text
    assert abs(subscriber.consent_at - timezone.now()) < timedelta(seconds=5)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Reader@Example.org"]
    assert "/newsletter/confirm/" in mail.outbox[0].body


def test_confirm_link_shows_a_button_and_the_post_confirms(client, signup):
    signup("reader@example.org")
    link = confirm_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm my subscription" in page.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING  # a GET changes nothing
    done = client.post(link)
    assert done.status_code == 200
    assert b"You are subscribed" in done.content
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None


def test_expired_link_offers_a_new_one(client, signup, settings):
    signup("reader@example.org")
    link = confirm_link(mail.outbox[0])
    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE + 60)
    with time_machine.travel(later):
        response = client.post(link)
    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_tampered_link_is_refused(client, signup):
    signup("reader@example.org")
    link = confirm_link(mail.outbox[0])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = client.post(tampered)
    assert response.status_code == 404
    assert b"This link does not work" in response.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_link_for_another_token_is_refused(client, signup):
    signup("reader@example.org")
    link = confirm_link(mail.outbox[0])
    signed = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(signed.split(":")[0], "someone-elses-token")
    assert client.post(forged).status_code == 404


def test_the_answer_never_reveals_whether_an_address_is_subscribed(client, signup, settings):
    settings.NEWSLETTER_CONFIRM_RESEND_SECONDS = 0
    make_subscriber("known@example.org")
    new = signup("new@example.org")
    known = signup("known@example.org")
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"]
    with time_machine.travel(timezone.now(), tick=False):  # the form's signed render time
        assert client.get(new["Location"]).content == client.get(known["Location"]).content
    # Only the owner of the address learns it: a note, not a second subscription.
    assert [m.to for m in mail.outbox] == [["new@example.org"], ["known@example.org"]]
    assert "already subscribed" in mail.outbox[1].body
    assert Subscriber.objects.count() == 2


def test_repeated_signups_send_at_most_one_mail_per_interval(signup):
    signup("reader@example.org")
    signup("READER@example.org")
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1


def test_one_mailbox_gets_one_confirmation_per_interval_whatever_its_spelling(signup, settings):
    """+tags and capitals reach the same inbox: they do not buy another mail."""
    for email in ("victim@example.org", "victim+1@example.org", "VICTIM+3@Example.org"):
        assert signup(email).status_code == 302
    assert [m.to for m in mail.outbox] == [["victim@example.org"]]
    assert Subscriber.objects.count() == 3  # each sign-up is kept, pending
    assert set(Subscriber.objects.values_list("mailbox", flat=True)) == {"victim@example.org"}
    signup("other+news@example.org")
    assert mail.outbox[-1].to == ["other+news@example.org"]  # another mailbox is not held up

    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_CONFIRM_RESEND_SECONDS + 1)
    with time_machine.travel(later):
        signup("victim+2@example.org")
    assert mail.outbox[-1].to == ["victim+2@example.org"]


def test_unsubscribed_reader_can_sign_up_again_with_new_consent(signup):
    subscriber = make_subscriber("back@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    signup("back@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert "/newsletter/confirm/" in mail.outbox[0].body


def test_mail_failure_keeps_the_signup(signup, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    response = signup("reader@example.org")
    assert response.status_code == 302
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_invalid_address_gets_a_message(signup):
    response = signup("not-an-address")
    assert response.status_code == 200
    assert b"does not look like an e-mail address" in response.content
    assert not Subscriber.objects.exists()


def test_honeypot_answers_like_a_success_and_stores_nothing(signup):
    response = signup("bot@example.org", website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-inbox/"
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_too_fast_keeps_the_address_and_asks_again(client):
    response = client.post(
        "/newsletter/", {"email": "quick@example.org", "rendered": form_token(), "website": ""}
    )
    assert response.status_code == 200
    assert b"please press Subscribe again" in response.content
    assert b'value="quick@example.org"' in response.content
    assert not Subscriber.objects.exists()


def test_stale_or_missing_token_is_refused(client, settings):
    stale = form_token(now=time.time() - settings.FEEDBACK_MAX_FORM_AGE - 60)
    for rendered in (stale, "", "forged"):
        response = client.post(
            "/newsletter/", {"email": "late@example.org", "rendered": rendered, "website": ""}
        )
        assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_rate_limit(signup, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    assert signup("a@example.org").status_code == 302
    assert signup("b@example.org").status_code == 302
    refused = signup("c@example.org")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert Subscriber.objects.count() == 2


def test_cross_site_post_is_refused(client, token):
    response = client.post(
        "/newsletter/",
        {"email": "victim@example.org", "rendered": token},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_a_post_from_a_null_origin_without_fetch_metadata_is_refused(client, token):
    """A sandboxed frame or a data: page on another site sends `Origin: null`; an older
    browser sends no Sec-Fetch-Site with it."""
    response = client.post(
        "/newsletter/",
        {"email": "victim@example.org", "rendered": token},
        headers={"Origin": "null"},
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_same_site_post_from_the_footer_is_accepted(client, token):
    response = client.post(
        "/newsletter/",
        {"email": "reader@example.org", "rendered": token, "source": "footer"},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302


def test_signup_page_is_never_cached_and_sets_no_cookie(client):
    response = client.get("/newsletter/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert b"csrfmiddlewaretoken" not in response.content


def test_footer_and_article_forms_carry_no_csrf_token(client, warm_site):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    for url in ("/", article.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert b'action="/newsletter/"' in response.content
        assert b"csrfmiddlewaretoken" not in response.content
        assert "csrftoken" not in response.cookies
        assert "public" in response["Cache-Control"]
    assert b"newsletter-signup--article" in response.content


def test_confirm_twice_is_harmless(client, signup):
    signup("reader@example.org")
    link = confirm_link(mail.outbox[0])
    client.post(link)
    again = client.get(link)
    assert again.status_code == 200
    assert b"already subscribed" in again.content


def test_erase_removes_the_subscriber():
    subscriber = make_subscriber("gone@example.org")
    subscriptions.erase(subscriber)
    assert not Subscriber.objects.exists()


def test_subscribed_and_unsubscribe_pages_show_no_footer_sign_up_box(client, signup):
    signup("reader@example.org")
    confirmed = client.post(confirm_link(mail.outbox[0])).content.decode()
    assert "You are subscribed" in confirmed
    assert "newsletter-signup--footer" not in confirmed
    subscriber = Subscriber.objects.get()
    asked = client.get(subscriber.unsubscribe_path()).content.decode()
    assert ">Unsubscribe</button>" in asked and "newsletter-signup--footer" not in asked
    done = client.post(subscriber.unsubscribe_path()).content.decode()
    assert "You are unsubscribed" in done and "newsletter-signup--footer" not in done
    assert "newsletter-signup--footer" in client.get("/").content.decode()  # elsewhere: kept


def test_article_page_has_one_sign_up_box(client):
    from tests.factories import ArticleFactory

    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert html.count('action="/newsletter/"') == 1
    assert "newsletter-signup--article" in html
