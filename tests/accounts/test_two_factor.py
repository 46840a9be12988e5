"""Two-factor sign-in for staff: a password alone reaches nothing, the app's code or a
backup code (once) lets staff in, staff without a device enrol first, and a lost device
is recovered with new backup codes from the command or the admin."""

import base64
import logging
import re
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

from .conftest import PASSWORD, sign_in, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]


def test_password_alone_does_not_reach_the_admin(client, enrolled):
    response = sign_in(client, "reporter")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(enrolled.pk)

    for path in ["/admin/", "/admin/auth/user/", "/admin/password_change/"]:
        refused = client.get(path)
        assert refused.status_code == 302, path
        assert refused["Location"].startswith("/admin/two-factor/verify/?next="), path

    page = client.get("/admin/two-factor/verify/?next=/admin/")
    assert page.status_code == 200
    assert "Enter your sign-in code" in page.content.decode()


def test_the_admin_site_itself_refuses_a_session_without_a_second_factor(rf, enrolled):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = enrolled
    enrolled.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    enrolled.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_the_code_from_the_app_lets_staff_in(client, enrolled):
    sign_in(client, "reporter")

    response = client.post(
        "/admin/two-factor/verify/",
        {"code": totp_code(enrolled.totp.bin_key), "next": "/admin/auth/user/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/auth/user/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_logged(client, enrolled, caplog):
    sign_in(client, "reporter")
    wrong = f"{(int(totp_code(enrolled.totp.bin_key)) + 1) % 1_000_000:06d}"

    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        response = client.post("/admin/two-factor/verify/", {"code": wrong})

    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert "Failed two-factor code for 'reporter'" in caplog.text
    assert client.get("/admin/").status_code == 302


def test_a_backup_code_works_once(client, enrolled):
    code = two_factor.new_backup_codes(enrolled)[0]
    sign_in(client, "reporter")
    assert client.post("/admin/two-factor/verify/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    sign_in(client, "reporter")
    again = client.post("/admin/two-factor/verify/", {"code": code})

    assert again.status_code == 200
    assert "That code is not valid" in again.content.decode()
    assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=enrolled).count() == 9


def test_staff_without_a_device_enrol_before_anything_else(client, reporter):
    sign_in(client, "reporter")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/enrol/")

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))

    confirmed = client.post("/admin/two-factor/enrol/", {"code": totp_code(key)})

    assert confirmed.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", confirmed.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=reporter).confirmed
    assert client.get("/admin/").status_code == 200


def test_a_wrong_enrolment_code_confirms_nothing(client, reporter):
    sign_in(client, "reporter")
    client.get("/admin/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=reporter)
    wrong = f"{(int(totp_code(device.bin_key)) + 1) % 1_000_000:06d}"

    response = client.post("/admin/two-factor/enrol/", {"code": wrong})

    assert "That code did not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reporter, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_a_stolen_password_cannot_enrol_a_second_authenticator(client, enrolled):
    sign_in(client, "reporter")

    response = client.get("/admin/two-factor/enrol/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=enrolled).count() == 1


def test_signing_out_needs_only_the_password(client, enrolled):
    sign_in(client, "reporter")

    response = client.post("/admin/logout/")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_recovery_command_removes_devices_and_prints_backup_codes_that_work(client, enrolled):
    out = StringIO()
    call_command("reset_two_factor", "reporter", stdout=out)

    codes = re.findall(r"^  ([a-z2-7]{8})$", out.getvalue(), re.MULTILINE)
    assert len(codes) == 10
    assert not TOTPDevice.objects.filter(user=enrolled).exists()

    sign_in(client, "reporter")
    assert client.post("/admin/two-factor/verify/", {"code": codes[0]}).status_code == 302
    # Signed in with a backup code, they set up a new app before anything else.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/enrol/")


def test_a_reset_ends_sessions_verified_with_the_lost_device(client, enrolled):
    sign_in(client, "reporter")
    client.post("/admin/two-factor/verify/", {"code": totp_code(enrolled.totp.bin_key)})
    assert client.get("/admin/").status_code == 200

    two_factor.reset(enrolled)

    assert client.get("/admin/").status_code == 302


def test_admin_action_resets_two_factor_and_shows_the_new_codes(settings, enrolled, staff_client):
    settings.STAFF_2FA_REQUIRED = False  # the superuser here signed in with force_login

    response = staff_client.post(
        "/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [str(enrolled.pk)]},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Backup codes for reporter" in html
    assert len(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)) == 10
    assert not TOTPDevice.objects.filter(user=enrolled).exists()


def test_only_superusers_are_offered_the_reset_action(settings, client, django_user_model):
    from django.contrib.auth.models import Permission

    settings.STAFF_2FA_REQUIRED = False
    manager = django_user_model.objects.create_user("manager", password=PASSWORD, is_staff=True)
    manager.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))
    client.force_login(manager)

    page = client.get("/admin/auth/user/")

    assert page.status_code == 200
    assert "reset_two_factor" not in page.content.decode()


def test_guessing_codes_is_slowed_down(client, enrolled):
    sign_in(client, "reporter")
    wrong = f"{(int(totp_code(enrolled.totp.bin_key)) + 1) % 1_000_000:06d}"
    client.post("/admin/two-factor/verify/", {"code": wrong})

    right_too_soon = client.post(
        "/admin/two-factor/verify/", {"code": totp_code(enrolled.totp.bin_key)}
    )

    assert "Too many wrong codes" in right_too_soon.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_password_alone_does_not_open_staff_views_outside_the_admin_either(client, enrolled):
    assert client.get("/").status_code == 200
    sign_in(client, "reporter")

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/verify/?next=%2F"
