"""Credential stuffing against the admin sign-in: django-axes locks the account and the
client address, tells the person why, logs every failure; the admin lists and unlocks."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_forty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, reporter):
    statuses = [sign_in(client, "reporter", f"guess-{n}").status_code for n in range(40)]

    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[4:]) == {429}
    response = sign_in(client, "reporter", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert "Sign-in locked" in page
    assert "even with the right password" in page
    assert "for 30 minutes" in page
    assert response["Retry-After"] == "1800"
    assert client.get("/admin/").status_code == 302


def test_guesses_from_many_addresses_still_lock_the_account(client, reporter):
    for n in range(5):
        sign_in(client, "reporter", f"guess-{n}", address=f"198.51.100.{n + 1}")

    response = sign_in(client, "reporter", PASSWORD, address="203.0.113.200")

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_one_address_guessing_across_accounts_is_locked_out_of_every_account(
    client, reporter, django_user_model
):
    for n in range(5):
        sign_in(client, f"someone-{n}", "guess", address="203.0.113.7")

    refused = sign_in(client, "reporter", PASSWORD, address="203.0.113.7")
    assert refused.status_code == 429
    assert "Sign-in locked" in refused.content.decode()

    allowed = sign_in(client, "reporter", PASSWORD, address="192.0.2.55")
    assert allowed.status_code == 302
    assert client.session[SESSION_KEY] == str(reporter.pk)


def test_every_failure_is_logged_with_account_and_address_but_not_the_password(
    client, reporter, caplog
):
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        for n in range(3):
            sign_in(client, "reporter", f"secret-guess-{n}", address="198.51.100.23")

    failures = [r.getMessage() for r in caplog.records if r.name == "accounts.security"]
    assert failures == ["Failed sign-in for 'reporter' from 198.51.100.23"] * 3
    assert "secret-guess" not in caplog.text


def test_behind_a_proxy_the_address_the_proxy_added_is_the_one_locked(client, reporter, settings):
    settings.FEEDBACK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    client.post(
        "/admin/login/",
        {"username": "reporter", "password": "guess"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.99",
    )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.99"]


def test_admin_lists_lockouts_and_deleting_them_lets_the_person_back_in(
    client, reporter, staff_client
):
    for n in range(5):
        sign_in(client, "reporter", f"guess-{n}", address="198.51.100.5")
    assert sign_in(client, "reporter", PASSWORD, address="198.51.100.5").status_code == 429

    listing = staff_client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200
    assert "reporter" in listing.content.decode()
    assert "198.51.100.5" in listing.content.decode()

    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = staff_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert sign_in(client, "reporter", PASSWORD, address="198.51.100.5").status_code == 302
    assert client.session[SESSION_KEY] == str(reporter.pk)
