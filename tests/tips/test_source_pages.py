import io
import logging

import gnupg
import pytest
from django.urls import reverse
from PIL import Image

from tips import codename, desk, guard
from tips.models import Reply, Source, Tip

from .helpers import database_contains, jpeg_with_gps, tip_data, upload

pytestmark = pytest.mark.django_db

MARKER = "Zanzibar-marker-4417: the depot moves on Tuesday"


def send(client, message=MARKER, files=(), **extra):
    return client.post(reverse("tips:index"), tip_data(message, files, **extra))


def codename_from(response):
    return response.context["codename"]


def test_page_puts_safe_ways_and_advice_before_the_form(client, newsroom_key, settings):
    settings.TIPS_SIGNAL_NUMBER = "+44 7700 900123"
    response = client.get(reverse("tips:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert newsroom_key.fingerprint in html
    assert "+44 7700 900123" in html
    assert html.index("Tor Browser") < html.index('id="id_message"')
    assert html.index(newsroom_key.fingerprint) < html.index('id="id_message"')


def test_public_key_is_served_and_is_the_newsroom_key(client, newsroom_key):
    response = client.get(reverse("tips:public_key"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/pgp-keys")
    assert response.content.decode() == newsroom_key.public_path.read_text()


def test_no_key_configured_closes_the_form(client, settings):
    settings.TIPS_PUBLIC_KEY_FILES = []
    response = client.get(reverse("tips:index"))
    assert "Our tip line is closed" in response.content.decode()
    assert 'id="id_message"' not in response.content.decode()
    assert send(client).status_code == 503
    assert client.get(reverse("tips:public_key")).status_code == 404
    assert not Tip.objects.exists()


def test_every_tips_response_sets_no_cookie_and_has_strict_headers(client, settings):
    settings.TIPS_ONION_ADDRESS = "http://exampleonionaddressxyz.onion"
    responses = [
        client.get(reverse("tips:index")),
        send(client),
        client.post(reverse("tips:return"), {"codename": "not a codename"}),
        client.get(reverse("tips:public_key")),
        client.get("/tips/no-such-page/"),
    ]
    for response in responses:
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response.headers
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "http" not in csp
        assert response["Onion-Location"] == "http://exampleonionaddressxyz.onion/tips/"
    assert not client.cookies


def test_tip_and_attachment_are_stored_only_as_ciphertext(client, newsroom_key):
    document = f"Attached memo. {MARKER} (in the file)".encode()
    response = send(client, files=[upload("memo.txt", document, "text/plain")])
    assert response.status_code == 200
    tip = Tip.objects.get()
    assert tip.attachment_count == 1
    assert not database_contains("Zanzibar-marker-4417")
    # Only the day is kept, and nothing that says who sent it.
    field_names = {field.name for field in Tip._meta.get_fields()} | {
        field.name for field in Source._meta.get_fields()
    }
    assert not field_names & {"ip", "ip_address", "user_agent", "referrer", "created_at"}
    files = newsroom_key.open_bundle(tip.bundle)
    assert files["message.txt"].decode() == MARKER
    assert files["attachments/01-memo.txt"] == document


def test_contact_details_are_encrypted_with_the_message(client, newsroom_key):
    send(client, contact="signal: +44 7700 900999")
    assert not database_contains("900999")
    files = newsroom_key.open_bundle(Tip.objects.get().bundle)
    assert files["contact.txt"] == b"signal: +44 7700 900999"


def test_gps_and_camera_are_stripped_from_pictures(client, newsroom_key):
    send(client, files=[upload("photo.jpg", jpeg_with_gps(), "image/jpeg")])
    picture = newsroom_key.open_bundle(Tip.objects.get().bundle)["attachments/01-photo.jpg"]
    assert b"MarkerCam" not in picture
    image = Image.open(io.BytesIO(picture))
    assert image.size == (32, 24)
    assert not image.getexif().get_ifd(0x8825)


def test_source_can_keep_the_original_picture(client, newsroom_key):
    original = jpeg_with_gps()
    send(client, files=[upload("photo.jpg", original, "image/jpeg")], keep_originals="on")
    files = newsroom_key.open_bundle(Tip.objects.get().bundle)
    assert files["attachments/01-photo.jpg"] == original


def test_large_upload_never_touches_a_temporary_file(client, settings, tmp_path, newsroom_key):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django would spill anything bigger to disk
    big = b"%PDF-1.4 " + b"x" * 300_000
    response = send(client, files=[upload("report.pdf", big, "application/pdf")])
    assert response.status_code == 200
    assert list(tmp_path.iterdir()) == []
    assert newsroom_key.open_bundle(Tip.objects.get().bundle)["attachments/01-report.pdf"] == big


def test_oversized_upload_gets_a_clear_message(client, settings):
    settings.TIPS_MAX_REQUEST_BYTES = 50_000
    response = send(client, files=[upload("big.pdf", b"x" * 60_000, "application/pdf")])
    assert response.status_code == 413
    assert "Your files are too large" in response.content.decode()
    assert "under 48.8 KB" in response.content.decode()
    assert not Tip.objects.exists()


def test_full_inbox_gets_a_clear_message_and_keeps_the_text(client, settings):
    settings.TIPS_INBOX_MAX_BYTES = 10
    response = send(client)
    assert response.status_code == 507
    html = response.content.decode()
    assert "Our tip inbox is full" in html
    assert MARKER.split(":")[0] in html  # the source's text is still on the form
    assert not Tip.objects.exists()


def test_file_of_another_kind_is_refused_with_a_message(client):
    response = send(client, files=[upload("run.exe", b"MZ...")])
    assert "is not a kind of file we accept" in response.content.decode()
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "extra, headers, message",
    [
        ({"website": "http://spam.example"}, {}, "Leave this field empty"),
        ({"rendered": "forged"}, {}, "Something went wrong with this form"),
        ({}, {"Origin": "https://evil.example"}, "only be sent from this site"),
        ({}, {"Sec-Fetch-Site": "cross-site", "Origin": "null"}, "only be sent from this site"),
    ],
)
def test_scripts_and_other_sites_are_refused(client, extra, headers, message):
    response = client.post(reverse("tips:index"), {**tip_data(MARKER), **extra}, headers=headers)
    assert message in response.content.decode()
    assert not Tip.objects.exists()


def test_form_sent_too_fast_is_refused(client, settings):
    settings.TIPS_MIN_FORM_SECONDS = 60
    response = send(client)
    assert "quicker than a person usually types" in response.content.decode()
    assert not Tip.objects.exists()


def test_flood_is_paused_for_everyone_without_keeping_addresses(client, settings):
    settings.TIPS_RATE_LIMIT = 2
    assert send(client).status_code == 200
    assert (
        client.post(reverse("tips:index"), tip_data(MARKER), REMOTE_ADDR="10.1.1.1").status_code
        == 200
    )
    response = client.post(reverse("tips:index"), tip_data(MARKER), REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 400
    assert "we paused this form for a few minutes" in response.content.decode()
    assert Tip.objects.count() == 2
    assert not database_contains("10.9.9.9") and not database_contains("127.0.0.1")


def test_nothing_about_the_tip_is_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    response = send(client)
    words = codename_from(response)
    client.post(reverse("tips:return"), {"codename": words})
    client.post(reverse("tips:return"), {"codename": "wrong " * 8})
    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    assert "Zanzibar" not in logged
    assert words not in logged
    assert "127.0.0.1" not in logged


def test_codename_follow_up_and_reply_round_trip(client, newsroom_key):
    words = codename_from(send(client))
    assert codename.looks_like_codename(words)
    assert not database_contains(words)
    source = Source.objects.get()
    desk.reply(source, "Thank you. Can you say which depot?")
    assert not database_contains("which depot")

    response = client.post(reverse("tips:return"), {"codename": words.upper().replace(" ", "-")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Can you say which depot?" in html
    assert "You have sent us 1 message." in html

    follow = tip_data("The northern one, near the rail yard.", codename=words)
    response = client.post(reverse("tips:follow_up"), follow)
    assert "Your new message was sent" in response.content.decode()
    assert Tip.objects.filter(source=source).count() == 2
    latest = Tip.objects.filter(source=source).order_by("-id").first()
    assert (
        newsroom_key.open_bundle(latest.bundle)["message.txt"]
        == b"The northern one, near the rail yard."
    )


def test_replies_cannot_be_opened_with_another_codename(client):
    words = codename_from(send(client))
    reply = desk.reply(Source.objects.get(), "For this source only")
    assert codename.open_sealed(reply.sealed, codename.derive(words)) == "For this source only"
    with pytest.raises(codename.CannotOpen):
        codename.open_sealed(reply.sealed, codename.derive(codename.new_codename()))
    assert Reply.objects.count() == 1


def test_unknown_codename_gets_a_message(client):
    response = client.post(reverse("tips:return"), {"codename": codename.new_codename()})
    assert response.status_code == 400
    assert "We found nothing for that codename" in response.content.decode()


def test_codename_attempts_are_limited(client, settings):
    settings.TIPS_CODENAME_ATTEMPTS = 2
    for _ in range(2):
        client.post(reverse("tips:return"), {"codename": codename.new_codename()})
    response = client.post(reverse("tips:return"), {"codename": codename.new_codename()})
    assert "we paused this form" in response.content.decode()
    assert guard.codename_attempts.hit() is True


def test_a_private_key_in_the_settings_closes_the_tip_line(
    client, newsroom_key, settings, tmp_path
):
    secret = tmp_path / "secret.asc"
    gpg = gnupg.GPG(gnupghome=str(newsroom_key.home))
    secret.write_text(
        gpg.export_keys(newsroom_key.fingerprint, secret=True, expect_passphrase=False)
    )
    settings.TIPS_PUBLIC_KEY_FILES = [str(secret)]
    assert "Our tip line is closed" in client.get(reverse("tips:index")).content.decode()
    assert send(client).status_code == 503


def test_a_server_error_while_sending_reports_nothing_the_source_typed(client, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("tips.submissions.receive_first", broken)
    caplog.set_level(logging.DEBUG)
    client.raise_request_exception = False
    response = send(client, contact="signal: +44 7700 900555")
    assert response.status_code == 500
    assert "Internal Server Error: /tips/" in caplog.text
    assert "Zanzibar" not in caplog.text and "900555" not in caplog.text
    assert not response.cookies
