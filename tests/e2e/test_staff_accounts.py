"""Staff accounts in Chromium: enrol in two-factor sign-in from the admin, sign out, sign
back in with the password and a code from the app; a locked-out account sees why."""

import base64

import pytest

from tests.accounts.conftest import totp_code
from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-for-the-night-desk"


@pytest.fixture
def night_editor(django_user_model):
    return django_user_model.objects.create_user(
        "night-editor", "night@example.org", PASSWORD, is_staff=True
    )


def submit_password(page, username, password):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_staff_member_enrols_in_two_factor_and_signs_in_with_a_code(page, night_editor, settings):
    settings.STAFF_2FA_REQUIRED = True

    submit_password(page, "night-editor", PASSWORD)
    page.wait_for_url("**/admin/two-factor/enrol/**")
    qr = page.locator("img.two-factor-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "two-factor-enrol")
    assert_accessible(page)
    assert not page.console_errors

    secret = page.inner_text("#totp-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", totp_code(key))
    page.click("input[type=submit][value=Confirm]")
    codes = page.locator(".backup-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    screenshot(page, "two-factor-backup-codes")
    page.click("text=I have saved them: continue")
    page.wait_for_url("**/admin/")

    page.click("#logout-form button")
    page.wait_for_url("**/admin/logout/")

    submit_password(page, "night-editor", PASSWORD)
    page.wait_for_url("**/admin/two-factor/verify/**")
    assert page.locator("#content-main").get_by_text("Enter your sign-in code").is_visible()
    screenshot(page, "two-factor-verify")
    assert_accessible(page)
    page.fill("#id_code", totp_code(key, steps_ahead=1))  # the enrolment used this period's
    page.click("input[type=submit][value=Verify]")
    page.wait_for_url("**/admin/")
    assert page.locator("#user-tools").get_by_text("Two-factor sign-in").is_visible()
    screenshot(page, "two-factor-signed-in")


def test_locked_out_account_is_shown_why(page, night_editor):
    for n in range(5):
        submit_password(page, "night-editor", f"wrong-guess-{n}")

    submit_password(page, "night-editor", PASSWORD)

    assert page.locator("h1").get_by_text("Sign-in locked").is_visible()
    assert page.get_by_text("even with the right password").is_visible()
    screenshot(page, "sign-in-locked")
    assert_accessible(page)
