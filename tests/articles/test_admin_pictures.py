"""The article form's "Pictures in the body" panel: each media-library picture the body shows,
with the alt text and caption typed in the editor and a credit box; the credit typed there
is stored on the library's image (by whoever may change it) and shows in the figure's
caption, on this article and every other one that shows the picture."""

import pytest
from django.urls import reverse

from media import figures
from media.models import Image
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory
from tests.workflow_helpers import change_url, form_data, new_article_data

pytestmark = pytest.mark.django_db


def uploaded(user=None, **kwargs):
    """A picture as the editor's upload stores it: no description yet."""
    return ImageFactory(alt_text="", caption="", credit="", uploaded_by=user, **kwargs)


def published(body):
    """A published article (with what publishing needs) whose body is `body`."""
    return ArticleFactory(body=body, lead_image=ImageFactory(), authors=[AuthorFactory()])


def figure(image, alt, caption):
    return figures.figure_html(image, caption=caption).replace('alt=""', f'alt="{alt}"')


def test_the_panel_lists_the_bodys_pictures_with_what_the_editor_typed(editor_client):
    image = uploaded()
    body = "<p>Sea trials.</p>" + figure(image, "A frigate at dawn", "The frigate leaves")
    article = ArticleFactory(body=body)
    html = editor_client.get(change_url(article)).content.decode()
    panel = html[html.index('class="body-pictures"') :]
    assert "Pictures in the body" in html
    assert image.src(320) in panel and "A frigate at dawn" in panel
    assert "The frigate leaves" in panel
    assert f'name="picture_credit_{image.pk}"' in panel
    assert "admin-extra/body-pictures.js" in html


def test_a_credit_typed_in_the_panel_is_stored_and_shows_in_every_caption(editor_client):
    image = uploaded()
    elsewhere = published(figure(image, "A frigate", "Another story"))
    article = published(figure(image, "A frigate at dawn", "The frigate leaves"))
    data = form_data(editor_client.get(change_url(article)))
    data[f"picture_credit_{image.pk}"] = "  Supplied:   BSTU "
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.redirect_chain
    image.refresh_from_db()
    article.refresh_from_db()
    elsewhere.refresh_from_db()
    assert image.credit == "Supplied: BSTU"
    assert 'The frigate leaves <span class="credit">(Supplied: BSTU)</span>' in article.body
    assert "(Supplied: BSTU)</span></figcaption>" in elsewhere.body
    assert "also shows under the picture in 1 other article" in response.content.decode()
    history = editor_client.get(reverse("admin:media_image_history", args=[image.pk]))
    assert "Changed Credit." in history.content.decode()

    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert '<span class="credit">(Supplied: BSTU)</span>' in page


def test_a_picture_uploaded_before_the_first_save_gets_its_credit(editor_client, editor):
    image = uploaded(editor)
    body = figure(image, "Radar mast", "The new radar")
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        new_article_data(body=body, **{f"picture_credit_{image.pk}": "Photo: Eve Lund"}),
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.credit == "Photo: Eve Lund"
    assert image.alt_text == "Radar mast"


def test_the_script_gets_the_panel_for_the_text_being_edited(editor_client, editor):
    image = uploaded(editor)
    url = reverse("admin:articles_article_pictures")
    response = editor_client.post(url, {"body": figure(image, "Radar mast", "The new radar")})
    html = response.content.decode()
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    assert f'name="picture_credit_{image.pk}"' in html and "Radar mast" in html
    assert editor_client.get(url).status_code == 405
    empty = editor_client.post(url, {"body": "<p>No pictures.</p>"}).content.decode()
    assert "picture_credit_" not in empty and "No pictures from the media library" in empty


def test_a_contributor_credits_their_own_upload_and_reads_others_credits(client, contributor):
    own = uploaded(contributor)
    others = ImageFactory(credit="Supplied: Navy")
    article = ArticleFactory(
        status="draft",
        published_at=None,
        created_by=contributor,
        body=figure(own, "Mine", "My picture") + figure(others, "Theirs", "Their picture"),
    )
    client.force_login(contributor)
    html = client.get(change_url(article)).content.decode()
    assert f'name="picture_credit_{own.pk}"' in html
    assert f'name="picture_credit_{others.pk}"' not in html
    assert "Supplied: Navy" in html[html.index('class="body-pictures"') :]

    data = form_data(client.get(change_url(article)))
    data[f"picture_credit_{own.pk}"] = "Photo: Carl"
    data[f"picture_credit_{others.pk}"] = "Stolen credit"  # a hand-made request
    assert client.post(change_url(article), data).status_code == 302
    own.refresh_from_db()
    others.refresh_from_db()
    assert own.credit == "Photo: Carl" and others.credit == "Supplied: Navy"
    article.refresh_from_db()
    assert "Stolen credit" not in article.body and "(Supplied: Navy)" in article.body


@pytest.mark.parametrize(
    ("credit", "message"),
    [
        ("x" * 201, "is 201 characters long: at most 200 fit"),
        ('<b onclick="x">Navy</b>', "must be plain text"),
    ],
)
def test_an_invalid_credit_is_explained_and_nothing_typed_is_lost(editor_client, credit, message):
    image = uploaded()
    article = published(figure(image, "A frigate", "The frigate leaves"))
    data = form_data(editor_client.get(change_url(article)), title="A headline typed before saving")
    data[f"picture_credit_{image.pk}"] = credit
    response = editor_client.post(change_url(article), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "text is kept" in html
    assert "A headline typed before saving" in html
    field = response.context["adminform"].form["picture_credits"]
    assert field.value()[str(image.pk)] == credit
    assert Image.objects.get(pk=image.pk).credit == ""
    article.refresh_from_db()
    assert article.title != "A headline typed before saving"


def test_staff_without_article_permissions_get_no_panel(client, django_user_model):
    user = django_user_model.objects.create_user("guest", "guest@example.org", "pw", is_staff=True)
    client.force_login(user)
    body = figure(uploaded(), "Radar mast", "The new radar")
    response = client.post(reverse("admin:articles_article_pictures"), {"body": body})
    assert response.status_code == 403
