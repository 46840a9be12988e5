"""The embeds list in the admin follows the draft rule: a contributor sees the embeds of
articles they may read (published ones and their own), never those pasted only into
someone else's draft (issue 23)."""

import pytest
from django.apps import apps
from django.urls import reverse

from embeds.models import Embed
from tests.factories import ArticleFactory
from tests.workflow_helpers import member

pytestmark = pytest.mark.django_db

embed_roles = __import__("embeds.migrations.0002_editors_see_embeds", fromlist=["grant"])

THEIR_DRAFT = "https://www.youtube.com/watch?v=aaaaaaaaaaa"
MY_DRAFT = "https://www.youtube.com/watch?v=bbbbbbbbbbb"
PUBLISHED = "https://www.youtube.com/watch?v=ccccccccccc"


def role(name, username):
    user = member(name, username)
    embed_roles.grant(apps, None)
    return user


@pytest.fixture
def site():
    editor, contributor = role("Editor", "eve"), role("Contributor", "carl")
    for url, title in (
        (THEIR_DRAFT, "Leaked prototype footage"),
        (MY_DRAFT, "Carl's harbour video"),
        (PUBLISHED, "Public parade video"),
    ):
        Embed.objects.create(url=url, provider="youtube", title=title)
    ArticleFactory(
        status="draft", published_at=None, created_by=editor, body=f"<p>{THEIR_DRAFT}</p>"
    )
    ArticleFactory(
        status="draft", published_at=None, created_by=contributor, body=f"<p>{MY_DRAFT}</p>"
    )
    ArticleFactory(created_by=editor, body=f"<p>{PUBLISHED}</p>")
    return {"editor": editor, "contributor": contributor}


def test_contributor_sees_no_embed_of_someone_elses_draft(client, site):
    client.force_login(site["contributor"])
    html = client.get(reverse("admin:embeds_embed_changelist")).content.decode()
    assert "Carl&#x27;s harbour video" in html and "Public parade video" in html
    assert "Leaked prototype footage" not in html
    hidden = Embed.objects.get(url=THEIR_DRAFT)
    change = client.get(reverse("admin:embeds_embed_change", args=[hidden.pk]))
    assert change.status_code == 302  # "does not exist", as for an article they may not see
    assert "Leaked prototype footage" not in client.get(change["Location"]).content.decode()
    search = client.get(reverse("admin:embeds_embed_changelist"), {"q": "prototype"})
    assert "Leaked prototype footage" not in search.content.decode()


def test_editor_sees_every_embed(client, site):
    client.force_login(site["editor"])
    html = client.get(reverse("admin:embeds_embed_changelist")).content.decode()
    assert "Leaked prototype footage" in html and "Public parade video" in html


def test_an_embed_removed_from_a_published_article_leaves_a_contributors_list(client, site):
    article = ArticleFactory(body=f"<p>Intro.</p><p>{THEIR_DRAFT}</p>")
    client.force_login(site["contributor"])
    url = reverse("admin:embeds_embed_changelist")
    assert "Leaked prototype footage" in client.get(url).content.decode()  # now published
    article.body = "<p>Intro only.</p>"
    article.save()
    assert "Leaked prototype footage" not in client.get(url).content.decode()
