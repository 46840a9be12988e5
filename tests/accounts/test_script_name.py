"""A SCRIPT_NAME request header (gunicorn takes it from the client, and so does the test
client's environ) must not change what a path check sees: with a password-only session,
'/static' in front of a staff page is no way round the second factor. And the staff pages
outside the admin refuse an unverified session themselves, whatever the middleware did."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import views
from articles.models import Article
from media.models import Image
from tests.factories import ArticleFactory, image_bytes

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]

FAKE_PREFIX = {"SCRIPT_NAME": "/static"}


@pytest.fixture
def chief(django_user_model):
    """An editor with every permission and an authenticator app."""
    user = django_user_model.objects.create_user(
        "chief", "chief@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user


@pytest.fixture
def unverified(client, chief):
    """A client signed in with the password alone."""
    sign_in(client, "chief")
    return client


def someone_elses_draft():
    return ArticleFactory(title="Unannounced frigate cuts", status=Article.Status.DRAFT)


def test_a_script_name_does_not_open_a_draft_without_the_second_factor(unverified):
    draft = someone_elses_draft()
    response = unverified.get(f"/draft/{draft.pk}/", **FAKE_PREFIX)
    assert "Unannounced frigate cuts" not in response.content.decode()
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/verify/")


def test_a_script_name_does_not_open_an_unpublished_article(unverified):
    scheduled = ArticleFactory(
        title="Embargoed procurement decision",
        status=Article.Status.PUBLISHED,  # scheduled: not out yet
        published_at=timezone.now() + timedelta(days=2),
    )
    response = unverified.get(scheduled.get_absolute_url(), **FAKE_PREFIX)
    assert "Embargoed procurement decision" not in response.content.decode()
    assert response.status_code == 302


def test_a_script_name_does_not_let_an_upload_through(unverified):
    upload = {"upload": _picture()}
    response = unverified.post("/admin-upload/image/", upload, **FAKE_PREFIX)
    assert response.status_code == 302
    assert not Image.objects.exists()


def test_staff_views_outside_the_admin_refuse_an_unverified_session_themselves(rf, chief):
    """As if the middleware had let the request through."""
    draft = someone_elses_draft()
    chief.is_verified = lambda: False

    request = rf.get(f"/draft/{draft.pk}/")
    request.user = chief
    with pytest.raises(views.Http404):
        views.DraftDetail.as_view()(request, pk=draft.pk)

    request = rf.post("/admin-upload/image/", {"upload": _picture()})
    request.user, request._dont_enforce_csrf_checks = chief, True
    assert views.editor_image_upload(request).status_code == 403
    assert not Image.objects.exists()

    chief.is_verified = lambda: True  # the same account with its second factor
    request = rf.get(f"/draft/{draft.pk}/")
    request.user = chief
    assert (
        "Unannounced frigate cuts"
        in views.DraftDetail.as_view()(request, pk=draft.pk).render().content.decode()
    )


def test_live_updates_and_unpublished_pages_also_need_the_second_factor(rf, chief):
    from liveblog import rules
    from support.views import PageDetail
    from tests.factories import PageFactory

    article = ArticleFactory()
    hidden = PageFactory(title="Draft masthead policy", slug="masthead", is_published=False)
    request = rf.get("/masthead/")
    request.user = chief

    chief.is_verified = lambda: False
    assert not rules.can_post(chief, article)
    with pytest.raises(views.Http404):
        PageDetail.as_view()(request, slug=hidden.slug)

    chief.is_verified = lambda: True
    assert rules.can_post(chief, article)
    page = PageDetail.as_view()(request, slug=hidden.slug).render()
    assert "Draft masthead policy" in page.content.decode()


def _picture():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg")
