"""The lead-image chooser: thumbnails, search by caption, credit, tag and date, older pages
in a fixed number of queries, uploads with messages a person understands, and the chosen
picture shown in the article form before saving."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from media.admin import chooser
from media.models import Image
from tests.factories import ArticleFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db

CHOOSER_URL = reverse("admin:media_image_chooser")
UPLOAD_URL = reverse("admin:media_image_chooser_upload")


def chosen(html):
    """The images offered in a chooser page, as the JSON each thumbnail button carries."""
    return [
        json.loads(value.replace("&quot;", '"').replace("&amp;", "&"))
        for value in re.findall(r'data-image="([^"]*)"', html)
    ]


def captions(response):
    assert response.status_code == 200
    return [image["caption"] for image in chosen(response.content.decode())]


def upload(client, *, data=None, name="frigate.jpg", content=None, **fields):
    content = image_bytes(1200, 800) if content is None else content
    post = {
        "file": SimpleUploadedFile(name, content),
        "alt_text": "A frigate at anchor",
        "caption": "HMS Example at anchor off the coast",
        "credit": "Photo: Navy",
        "tags": "Frigates, Navy",
        **fields,
    }
    return client.post(UPLOAD_URL, post if data is None else data)


def form_errors(response):
    assert response.status_code == 400
    return response.json()["form"]


# --- Browsing and searching ------------------------------------------------------------


def test_chooser_shows_thumbnails_newest_first_with_caption_credit_and_size(staff_client):
    ImageFactory(caption="A tank on exercise", credit="Supplied: Army")
    ImageFactory(caption="A jet on the runway", credit="Photo: Air Force")
    response = staff_client.get(CHOOSER_URL)
    html = response.content.decode()
    assert captions(response) == ["A jet on the runway", "A tank on exercise"]
    assert "Photo: Air Force" in html and "64 × 48" in html
    first = chosen(html)[0]
    assert first["thumb"] in html and first["thumb"].endswith(".webp")
    assert re.search(
        r'<img src="[^"]+\.webp" alt="A patrol vessel at sea" width="320" height="240"', html
    )
    assert "no-store" in response["Cache-Control"]  # the admin's never_cache


def test_search_matches_caption_credit_alt_text_and_tags_word_by_word(staff_client):
    satellite = ImageFactory(caption="A satellite ground station", credit="Supplied: Space Agency")
    ImageFactory(caption="A jet on the runway", credit="Photo: Air Force")
    tagged = ImageFactory(caption="Hangar at dawn", credit="")
    tagged.tags.add("Typhoon")
    search = lambda q: captions(staff_client.get(CHOOSER_URL, {"q": q}))  # noqa: E731
    assert search("jet") == ["A jet on the runway"]
    assert search("space agency") == ["A satellite ground station"]
    assert search("air force runway") == ["A jet on the runway"]
    assert search("typhoon") == ["Hangar at dawn"]
    assert search("jet satellite") == []
    assert (
        "No images match your search"
        in staff_client.get(CHOOSER_URL, {"q": "zeppelin"}).content.decode()
    )
    satellite.alt_text = "Dish antenna pointing at the sky"
    satellite.save()
    assert search("antenna") == ["A satellite ground station"]


def test_search_by_upload_date(staff_client):
    old = ImageFactory(caption="Old picture")
    Image.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=40))
    ImageFactory(caption="New picture")
    day = (timezone.localdate() - datetime.timedelta(days=40)).isoformat()
    assert captions(staff_client.get(CHOOSER_URL, {"since": day, "until": day})) == ["Old picture"]
    today = timezone.localdate().isoformat()
    assert captions(staff_client.get(CHOOSER_URL, {"since": today})) == ["New picture"]
    response = staff_client.get(CHOOSER_URL, {"since": today, "until": day})
    assert "The end date is before the start date." in response.content.decode()


def test_older_pages_cost_the_same_queries_as_the_first(staff_client, django_assert_num_queries):
    for n in range(chooser.PER_PAGE + 5):
        image = ImageFactory(caption=f"Picture {n:02d}")
        image.tags.add(f"tag {n}")
    staff_client.get(CHOOSER_URL)  # the session and content types
    with django_assert_num_queries(4):  # session, user, the page's images, their tags
        first = staff_client.get(CHOOSER_URL)
    html = first.content.decode()
    assert len(chosen(html)) == chooser.PER_PAGE
    older = re.search(r'href="([^"]*before=\d+)"', html).group(1).replace("&amp;", "&")
    with django_assert_num_queries(4):
        second = staff_client.get(older)
    assert captions(second) == [f"Picture {n:02d}" for n in range(4, -1, -1)]
    assert "Newest images" in second.content.decode()


def test_chooser_needs_permission_to_view_images(client, django_user_model):
    assert client.get(CHOOSER_URL).status_code == 302  # to the sign-in page
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(CHOOSER_URL).status_code == 403
    assert upload(client).status_code == 403
    assert not Image.objects.exists()


# --- Uploading from the chooser ----------------------------------------------------------


def test_upload_from_the_chooser_stores_the_image_and_chooses_it(staff_client):
    response = upload(staff_client)
    assert response.status_code == 201
    image = Image.objects.get()
    assert (image.width, image.height) == (1200, 800)
    assert image.uploaded_by == staff_client.user
    assert (image.alt_text, image.credit) == ("A frigate at anchor", "Photo: Navy")
    assert sorted(image.tags.names()) == ["Frigates", "Navy"]
    answer = response.json()["image"]
    assert answer["id"] == image.pk and answer["credit"] == "Photo: Navy"
    assert answer["preview"] == image.src(640)


def test_upload_refuses_a_file_that_is_not_a_picture(staff_client):
    html = form_errors(upload(staff_client, name="notes.txt", content=b"meeting notes"))
    assert "The picture was not uploaded" in html
    assert "This file is not an image we can read." in html
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "SVG files are not accepted" in form_errors(
        upload(staff_client, name="x.svg", content=svg)
    )
    assert not Image.objects.exists()


@override_settings(MAX_IMAGE_UPLOAD_BYTES=50_000)
def test_upload_refuses_a_file_that_is_too_large(staff_client):
    padded = image_bytes(1200, 800) + b"\0" * 60_000
    html = form_errors(upload(staff_client, content=padded))
    assert re.search(r"This file is [\d.]+\xa0KB; images may be at most 48.8\xa0KB", html)
    assert not Image.objects.exists()


def test_upload_refuses_a_picture_too_small_for_a_lead_image(staff_client):
    html = form_errors(upload(staff_client, content=image_bytes(300, 200)))
    assert "This picture is 300 × 200 pixels; a lead image must be at least 640 × 360" in html
    assert not Image.objects.exists()


def test_upload_needs_alt_text_and_keeps_what_was_typed(staff_client):
    html = form_errors(upload(staff_client, alt_text=""))
    assert "This field is required." in html
    assert 'value="HMS Example at anchor off the coast"' in html
    assert not Image.objects.exists()


def test_upload_answers_get_with_method_not_allowed(staff_client):
    assert staff_client.get(UPLOAD_URL).status_code == 405


# --- The article form ----------------------------------------------------------------


def test_article_form_shows_the_chosen_image_with_its_caption_and_credit(staff_client):
    image = ImageFactory(caption="A frigate leaves harbour", credit="Supplied: Navy")
    article = ArticleFactory(lead_image=image)
    html = staff_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert 'class="image-chooser"' in html and "admin-extra/image-chooser.js" in html
    assert f'name="lead_image" value="{image.pk}"' in html
    assert f'src="{image.src(640)}" alt="A patrol vessel at sea"' in html
    assert '<span data-field="credit">Supplied: Navy</span>' in html
    assert "Choose another image" in html
    assert '<label for="id_lead_image_open">' in html and 'id="id_lead_image_open"' in html
    assert f'data-chooser-url="{CHOOSER_URL}"' in html


def test_a_form_sent_back_with_errors_still_shows_the_chosen_image(staff_client):
    image = ImageFactory(caption="Submarine in dry dock", credit="Photo: Yard")
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "",
            "lead_image": image.pk,
            "status": "draft",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "This field is required." in html
    assert '<span data-field="caption">Submarine in dry dock</span>' in html
    assert f'name="lead_image" value="{image.pk}"' in html


def test_an_article_without_a_lead_image_offers_the_chooser(staff_client):
    html = staff_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "No lead image chosen yet." in html and "Choose an image" in html
