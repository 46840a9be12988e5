import base64

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tips import codename, submissions
from tips.models import Reply, Tip

from .helpers import database_contains

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tips/tip/"


@pytest.fixture
def tip():
    tip, words = submissions.receive_first("The base closes in May.")
    tip.codename = words
    return tip


def test_desk_lists_tips_by_day_size_files_and_status(client, tips_desk, tip):
    client.force_login(tips_desk)
    response = client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(tip) in html
    assert "New" in html
    assert "The base closes" not in html


def test_desk_downloads_the_encrypted_bundle_which_the_private_key_opens(
    client, tips_desk, tip, newsroom_key
):
    client.force_login(tips_desk)
    response = client.get(reverse("admin:tips_tip_download", args=[tip.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{tip.received_on:%Y-%m-%d}.tar.gpg"')
    assert b"The base closes" not in response.content
    assert newsroom_key.open_bundle(response.content)["message.txt"] == b"The base closes in May."


def test_desk_replies_and_only_the_codename_opens_it(client, tips_desk, tip):
    client.force_login(tips_desk)
    url = reverse("admin:tips_tip_reply", args=[tip.pk])
    assert client.post(url, {"text": ""}).status_code == 200  # the form again, with its error
    response = client.post(url, {"text": "Which unit is moving?"})
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert not database_contains("Which unit is moving?")
    assert codename.open_sealed(reply.sealed, codename.derive(tip.codename)) == (
        "Which unit is moving?"
    )
    page = client.post(reverse("tips:return"), {"codename": tip.codename}).content.decode()
    assert "Which unit is moving?" in page


def test_desk_marks_handled_and_deletes_for_good(client, tips_desk, tip):
    client.force_login(tips_desk)
    client.post(CHANGELIST, {"action": "mark_handled", "_selected_action": [tip.pk]})
    assert Tip.objects.get().status == Tip.Status.HANDLED
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [tip.pk], "post": "yes"}
    )
    assert not Tip.objects.exists()


@pytest.mark.parametrize("role", ["Editor", "plain staff"])
def test_other_staff_cannot_see_or_touch_tips(client, tip, role):
    from django.contrib.auth.models import Group

    user = UserFactory(username="other", is_staff=True)
    if role == "Editor":
        user.groups.add(Group.objects.get_or_create(name="Editor")[0])
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin:tips_tip_download", args=[tip.pk])).status_code == 403
    response = client.post(reverse("admin:tips_tip_reply", args=[tip.pk]), {"text": "hi"})
    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_inbox_needs_the_second_factor_like_the_rest_of_the_admin(client, tips_desk, tip, settings):
    settings.STAFF_2FA_REQUIRED = True
    TOTPDevice.objects.create(user=tips_desk, name="Phone", confirmed=True)
    client.force_login(tips_desk)
    response = client.get(reverse("admin:tips_tip_download", args=[tip.pk]))
    assert response.status_code == 302
    assert "/admin/two-factor/" in response["Location"]


def test_inbox_list_runs_a_fixed_number_of_queries(
    client, tips_desk, django_assert_max_num_queries
):
    for n in range(5):
        submissions.receive_first(f"Tip number {n}")
    client.force_login(tips_desk)
    client.get(CHANGELIST)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).status_code == 200


def test_desk_pastes_an_already_sealed_reply(client, tips_desk, tip):
    client.force_login(tips_desk)
    sealed = codename.seal("Sealed elsewhere", tip.source.reply_key)
    url = reverse("admin:tips_tip_reply", args=[tip.pk])
    response = client.post(url, {"sealed": base64.b64encode(sealed).decode()})
    assert response.status_code == 302
    assert bytes(Reply.objects.get().sealed) == sealed
    page = client.post(reverse("tips:return"), {"codename": tip.codename}).content.decode()
    assert "Sealed elsewhere" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sealed": "not base64!"}, "This is not a sealed reply"),
        ({"sealed": base64.b64encode(b"short").decode()}, "too short"),
        ({}, "Write a reply, or paste a sealed one"),
        ({"text": "Both", "sealed": base64.b64encode(b"x" * 80).decode()}, "not both"),
    ],
)
def test_reply_form_explains_what_is_wrong(client, tips_desk, tip, data, message):
    client.force_login(tips_desk)
    response = client.post(reverse("admin:tips_tip_reply", args=[tip.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Reply.objects.exists()
