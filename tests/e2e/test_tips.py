"""The tip line in real Chromium: a source sends a tip with a picture and gets a codename;
the tips desk downloads the encrypted bundle (which the private key opens, the picture
without its GPS position) and replies; the source comes back with the codename, reads the
reply and sends more. No cookie is ever set on the source's side."""

import importlib
import io
import tarfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.e2e.conftest import assert_accessible, login_admin, screenshot
from tests.tips.helpers import jpeg_with_gps
from tips import guard, keys
from tips.models import Tip

pytestmark = pytest.mark.django_db(transaction=True)

groups_migration = importlib.import_module("tips.migrations.0002_tips_desk_group")
MESSAGE = "Spare parts for the tracked vehicles are signed off but never delivered."
REPLY = "Thank you. Roughly how many vehicles are affected?"


@pytest.fixture
def newsroom_home(tmp_path_factory, settings):
    home = tmp_path_factory.mktemp("gnupg-e2e")
    _, public = keys.generate(home, "E2E tips desk", "tips-e2e@example.org")
    settings.TIPS_PUBLIC_KEY_FILES = [str(public)]
    guard.sending.reset()
    guard.codename_attempts.reset()
    return home


@pytest.fixture
def desk_member(django_user_model):
    groups_migration.create_groups(apps)
    user = django_user_model.objects.create_user(
        "tipsdesk", "tipsdesk@example.org", "pw-tips-desk-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Tips desk"))
    return user


def open_bundle(home, data):
    plain = keys.decrypt(home, data)
    with tarfile.open(fileobj=io.BytesIO(plain)) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


def test_source_sends_desk_replies_source_reads_with_codename(
    page, browser, live_server, newsroom_home, desk_member, tmp_path
):
    # The source sends a tip with a picture.
    page.goto("/tips/")
    assert page.get_by_role("heading", name="Before you send anything").is_visible()
    assert_accessible(page)
    screenshot(page, "tips-1-form")
    page.fill("#id_message", MESSAGE)
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "depot.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}],
    )
    page.get_by_role("button", name="Lock and send").click()
    page.get_by_role("heading", name="Your message was sent").wait_for()
    words = page.locator(".codename strong").inner_text()
    assert len(words.split()) == 8
    assert_accessible(page)
    screenshot(page, "tips-2-codename")
    assert page.context.cookies() == []

    # The desk downloads the bundle, decrypts it with the private key, and replies.
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = desk.new_page()
    login_admin(admin, "tipsdesk", "pw-tips-desk-1")
    admin.goto("/admin/tips/tip/")
    tip = Tip.objects.get()
    assert admin.get_by_role("link", name=str(tip)).is_visible()
    screenshot(admin, "tips-3-inbox")
    admin.get_by_role("link", name=str(tip)).click()
    with admin.expect_download() as download:
        admin.get_by_role("link", name=f"Download tip-{tip.pk}-").click()
    saved = tmp_path / "bundle.tar.gpg"
    download.value.save_as(saved)
    files = open_bundle(newsroom_home, saved.read_bytes())
    assert files["message.txt"].decode() == MESSAGE
    assert b"MarkerCam" not in files["attachments/01-depot.jpg"]
    screenshot(admin, "tips-4-tip")
    admin.get_by_role("link", name="Reply to this source").click()
    admin.fill("#id_text", REPLY)
    screenshot(admin, "tips-5-reply")
    with admin.expect_request(lambda r: r.method == "POST" and "/reply/" in r.url) as sent:
        admin.get_by_role("button", name="Seal and send reply").click()
    admin.get_by_text("Your reply was sealed").wait_for()
    body = sent.value.post_data
    assert "sealed=" in body and "Roughly" not in body  # sealed in the browser
    desk.close()

    # The source comes back with the codename, reads the reply and sends more.
    page.goto("/tips/")
    page.fill("#id_codename", words)
    page.get_by_role("button", name="Read replies").click()
    page.get_by_role("heading", name="Your conversation with us").wait_for()
    assert page.get_by_text(REPLY).is_visible()
    assert_accessible(page)
    page.fill("#id_message", "About forty vehicles since March.")
    page.get_by_role("button", name="Lock and send").click()
    page.get_by_text("Your new message was sent").wait_for()
    assert page.get_by_text("You have sent us 2 messages.").is_visible()
    screenshot(page, "tips-6-conversation")
    assert page.context.cookies() == []
    assert not page.console_errors


def test_tip_line_fits_a_phone_with_the_key_fingerprint_in_full(page, newsroom_home):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/tips/")
    fingerprint = page.locator("code.fingerprint")
    assert len(fingerprint.inner_text()) == 40
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = fingerprint.bounding_box()
    assert box["x"] + box["width"] <= 390
    screenshot(page, "tips-phone")
