"""Share-preview links: made and revoked in the admin, read without an account, signed,
expiring, never indexed or cached."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import previews
from articles.models import PreviewLink
from core.content_state import content_state
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

pytestmark = pytest.mark.django_db


def links_url(article):
    return reverse("admin:articles_article_preview_links", args=[article.pk])


@pytest.fixture
def draft():
    return ArticleFactory(
        title="Secret submarine deal",
        status="draft",
        published_at=None,
        lead_image=ImageFactory(),
        authors=[AuthorFactory(name="Ana Kos")],
    )


def test_editor_makes_a_link_that_lasts_the_configured_days(client, editor, draft):
    client.force_login(editor)
    assert (
        "Share preview"
        in client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    )
    before = timezone.now()
    response = client.post(links_url(draft), {"create": "1"}, follow=True)
    link = PreviewLink.objects.get()
    assert (link.article, link.created_by) == (draft, editor)
    assert timedelta(days=7) <= link.expires_at - before < timedelta(days=7, minutes=1)
    html = response.content.decode()
    assert previews.path_for(link) in html and "Active" in html


@override_settings(PREVIEW_LINK_DAYS=2)
def test_link_lifetime_follows_the_setting(client, editor, draft):
    client.force_login(editor)
    client.post(links_url(draft), {"create": "1"})
    link = PreviewLink.objects.get()
    assert link.expires_at - link.created < timedelta(days=2, seconds=1)


def test_reader_without_an_account_reads_the_draft_through_the_link(client, draft):
    link = previews.create(draft, None)
    response = client.get(previews.path_for(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret submarine deal" in html and "Ana Kos" in html
    assert "Preview: not published." in html
    assert "Edit in the admin" not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control
    # The draft itself stays hidden from readers.
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_link_stops_working_after_it_expires(client, draft, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    link = previews.create(draft, None, days=7)
    time_machine.move_to(start + timedelta(days=6, hours=23), tick=False)
    assert client.get(previews.path_for(link)).status_code == 200
    time_machine.move_to(start + timedelta(days=7, seconds=1), tick=False)
    response = client.get(previews.path_for(link))
    assert response.status_code == 410
    assert "It expired on" in response.content.decode()
    assert "Secret submarine deal" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_revoked_link_stops_working(client, editor, draft):
    link = previews.create(draft, editor)
    client.force_login(editor)
    response = client.post(links_url(draft), {"revoke": link.pk}, follow=True)
    assert "Preview link revoked" in response.content.decode()
    client.logout()
    response = client.get(previews.path_for(link))
    assert response.status_code == 410
    assert "withdrew it" in response.content.decode()


@pytest.mark.parametrize("mangle", ["tamper", "unknown", "bare"])
def test_made_up_or_tampered_links_are_not_found(client, draft, mangle):
    link = previews.create(draft, None)
    path = previews.path_for(link)
    token = path.rstrip("/").rsplit("/", 1)[1]
    key, signature = token.split(".")
    forged = {
        "tamper": f"{key[:-1]}{'A' if key[-1] != 'A' else 'B'}.{signature}",
        "unknown": previews._signer.sign("x" * 43),
        "bare": key,
    }[mangle]
    response = client.get(reverse("articles:preview", args=[forged]))
    assert response.status_code == 404
    assert "Secret submarine deal" not in response.content.decode()


def test_contributor_cannot_make_or_revoke_links(client, draft, contributor):
    draft.created_by = contributor
    draft.save()
    link = previews.create(draft, None)
    client.force_login(contributor)
    assert client.get(links_url(draft)).status_code == 403
    assert client.post(links_url(draft), {"create": "1"}).status_code == 403
    assert client.post(links_url(draft), {"revoke": link.pk}).status_code == 403
    assert PreviewLink.objects.count() == 1 and PreviewLink.objects.get().is_active


def test_preview_links_list_can_revoke_in_bulk(client, editor, draft):
    links = [previews.create(draft, editor) for _ in range(2)]
    client.force_login(editor)
    client.post(
        reverse("admin:articles_previewlink_changelist"),
        {"action": "revoke_selected", "_selected_action": [link.pk for link in links]},
    )
    assert not any(link.is_active for link in PreviewLink.objects.all())


def test_preview_page_runs_a_fixed_number_of_queries(client):
    def count(article):
        link = previews.create(article, None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(previews.path_for(link)).status_code == 200
        return len(queries)

    ArticleFactory(tags=["a"], authors=[AuthorFactory()])  # a related teaser at both sizes
    content_state.key()  # as on a running site, the process has read the content state
    few = ArticleFactory(status="draft", published_at=None, authors=[AuthorFactory()])
    small = count(few)
    many = ArticleFactory(
        status="draft",
        published_at=None,
        authors=[AuthorFactory() for _ in range(4)],
        tags=["a", "b", "c", "d", "e"],
        lead_image=ImageFactory(),
    )
    for _ in range(6):
        ArticleFactory(tags=["a", "b"], authors=[AuthorFactory()], lead_image=ImageFactory())
    assert count(many) == small
