"""Revisions (django-reversion): every admin save is kept with who and when; the history
page compares a revision with the article now, and restores any revision."""

import re

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import revisions
from articles.models import Article, ArticleAuthor, ArticleRedirect, Correction, TaggedArticle
from media import figures
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
)
from tests.workflow_helpers import change_url, form_data, new_article_data, number_rows_from

pytestmark = pytest.mark.django_db

BODY_V1 = (
    "<p>The navy ordered four boats.</p><p>Delivery starts in 2031.</p>"
    "<p>The yard employs 3,000 people.</p><p>Trials follow in 2032.</p>"
)
BODY_V2 = (
    "<p>The navy ordered six boats.</p><p>Delivery starts in 2031.</p>"
    "<p>The yard employs 3,000 people.</p><p>Trials follow in 2032.</p>"
    "<p>Parliament still has to approve the budget.</p>"
)


@pytest.fixture
def article(client, editor):
    """Written through the admin (revision 1), then edited (revision 2)."""
    client.force_login(editor)
    first_author, second_author = AuthorFactory(name="Ana Kos"), AuthorFactory(name="Ben Oduya")
    data = new_article_data(
        SectionFactory(),
        ImageFactory(),
        first_author,
        title="Navy orders four submarines",
        body=BODY_V1,
        status="published",
        new_tags="Submarines",
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    data = form_data(
        client.get(change_url(article)),
        title="Navy orders six submarines",
        standfirst="A bigger order than planned.",
        body=BODY_V2,
        **{"bylines-0-author": str(second_author.pk)},
        new_tags="Budget",
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    return article


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def versions_of(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def test_every_save_keeps_a_revision_with_who_and_when(client, article, editor):
    assert len(versions_of(article)) == 2
    assert all(v.revision.user == editor for v in versions_of(article))
    html = client.get(history_url(article)).content.decode()
    assert "eve (Eve Lund)" in html
    assert "Compare with now" in html and "Restore…" in html


def test_history_shows_what_changed_word_by_word(client, article):
    first = versions_of(article)[0]
    response = client.get(history_url(article), {"compare": first.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Navy orders <del>four</del><ins>six</ins> submarines" in html
    assert "<ins>A bigger order than planned.</ins>" in html
    assert "The navy ordered <del>four</del><ins>six</ins> boats." in html
    assert "<ins>Parliament still has to approve the budget.</ins>" in html
    assert "unchanged paragraph" in html  # long unchanged stretches are summarised


def test_history_diff_is_escaped(client, editor):
    client.force_login(editor)
    data = new_article_data(title="Plain title")
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    data = form_data(client.get(change_url(article)), title="<script>alert(1)</script> title")
    client.post(change_url(article), data)
    first = versions_of(article)[0]
    html = client.get(history_url(article), {"compare": first.pk}).content.decode()
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "<script>alert(1)" not in html


def test_restoring_brings_back_text_bylines_and_tags(client, article):
    first = versions_of(article)[0]
    page = client.get(revision_url(article, first))
    assert page.status_code == 200
    assert "Navy orders four submarines" in page.content.decode()
    article.refresh_from_db()
    assert article.title == "Navy orders six submarines"  # showing the form changes nothing

    response = client.post(revision_url(article, first), form_data(page))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Navy orders four submarines"
    assert article.body == BODY_V1
    assert [a.name for a in article.byline_authors] == ["Ana Kos"]
    assert sorted(article.tags.names()) == ["Submarines"]
    assert article.version == 3  # counts on from the current version, never back
    assert len(versions_of(article)) == 3


def test_restoring_keeps_corrections_published_since(client, article):
    first = versions_of(article)[0]
    Correction.objects.create(article=article, text="The order is for six boats, not four.")
    page = client.get(revision_url(article, first))
    client.post(revision_url(article, first), form_data(page))
    assert Correction.objects.filter(article=article).count() == 1


def test_restoring_an_old_slug_keeps_both_addresses_working(client, article):
    first = versions_of(article)[0]
    original_url = article.get_absolute_url()
    data = form_data(client.get(change_url(article)), slug="navy-orders-six-submarines")
    client.post(change_url(article), data)
    article.refresh_from_db()
    renamed_url = article.get_absolute_url()
    assert ArticleRedirect.objects.filter(old_path=original_url).exists()

    page = client.get(revision_url(article, first))
    client.post(revision_url(article, first), form_data(page))
    article.refresh_from_db()
    assert article.get_absolute_url() == original_url
    assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == [renamed_url]


def test_a_form_opened_before_a_restore_is_refused(client, article):
    stale = form_data(client.get(change_url(article)), title="Stale edit")
    first = versions_of(article)[0]
    page = client.get(revision_url(article, first))
    client.post(revision_url(article, first), form_data(page))
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    assert "saved this article after you opened it" in response.content.decode()


def test_contributor_cannot_restore_once_submitted(client, contributor):
    client.force_login(contributor)
    client.post(reverse("admin:articles_article_add"), new_article_data(status="draft"))
    article = Article.objects.get()
    data = form_data(client.get(change_url(article)), status="review")
    client.post(change_url(article), data)
    first = versions_of(article)[0]
    assert client.get(revision_url(article, first)).status_code == 403
    assert client.post(revision_url(article, first), {"status": "draft"}).status_code == 403
    article.refresh_from_db()
    assert article.status == "review"
    # They can still read the history of their own article, without restore links.
    history = client.get(history_url(article))
    assert history.status_code == 200
    assert "Restore…" not in history.content.decode()


def test_contributor_cannot_recover_deleted_articles(client, contributor):
    client.force_login(contributor)
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Recover deleted articles" not in changelist


def test_editor_recovers_a_deleted_article(client, article):
    assert (
        "Recover deleted articles"
        in client.get(reverse("admin:articles_article_changelist")).content.decode()
    )
    pk = article.pk
    editor_client = client
    client = Client()  # only superusers delete; the editor recovers
    client.force_login(StaffFactory())
    client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=pk).exists()
    client = editor_client
    deleted = Version.objects.get_deleted(Article).get()
    page = client.get(reverse("admin:articles_article_recover", args=[deleted.pk]))
    assert page.status_code == 200
    assert client.post(page.wsgi_request.path, form_data(page)).status_code == 302
    restored = Article.objects.get(pk=pk)
    assert restored.title == "Navy orders six submarines"
    assert [a.name for a in restored.byline_authors] == ["Ben Oduya"]


def test_body_paragraphs_read_as_prose():
    html = (
        '<h2>Heading</h2><p>One &amp; two<br>three</p><figure class="image">'
        '<img src="/a.webp" alt="A tank"></figure><ul><li>Item</li></ul>'
    )
    assert revisions.paragraphs(html) == [
        "Heading",
        "One & two",
        "three",
        "[Picture: A tank]",
        "Item",
    ]


def test_word_diff_marks_removed_and_added_words():
    assert (
        str(revisions.word_diff("a red car", "a blue car")) == "a <del>red</del><ins>blue</ins> car"
    )
    assert str(revisions.word_diff("x", "x <b>")) == "x<ins> &lt;b&gt;</ins>"


# --- A restore writes only the article in the address (issue 23) -------------------------


@pytest.fixture
def rows_numbered_apart(db):
    number_rows_from(ArticleAuthor, 700_000)
    number_rows_from(TaggedArticle, 800_000)


def withdraw(article):
    Article.objects.filter(pk=article.pk).update(status="archived", title="WITHDRAWN (legal)")


def test_a_revision_is_served_only_for_the_article_in_the_address(
    rows_numbered_apart, client, article, contributor
):
    """The attack: a contributor's own draft has the id of a byline row kept in another
    article's revision; restoring "her" revision through that id would republish the
    other article, withdrawn by an editor."""
    withdraw(article)
    first = versions_of(article)[0]
    byline = first.revision.version_set.get(
        content_type=ContentType.objects.get_for_model(ArticleAuthor)
    )
    draft = ArticleFactory(pk=int(byline.object_id), status="draft", created_by=contributor)
    client.force_login(contributor)
    url = reverse("admin:articles_article_revision", args=[draft.pk, byline.pk])
    data = form_data(client.get(change_url(draft)))

    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    article.refresh_from_db()
    assert (article.status, article.title) == ("archived", "WITHDRAWN (legal)")


def test_restoring_never_writes_another_article_in_the_same_revision(client, article, editor):
    other = ArticleFactory(title="Other article as it is now")
    with reversion.create_revision():  # one revision holding both articles
        reversion.add_to_revision(article)
        reversion.add_to_revision(other)
    both = Version.objects.get_for_object(article).order_by("-pk").first()
    Article.objects.filter(pk=other.pk).update(title="Other article, retitled")
    page = client.get(revision_url(article, both))
    assert client.post(revision_url(article, both), form_data(page)).status_code == 302
    other.refresh_from_db()
    assert other.title == "Other article, retitled"


def test_restoring_is_refused_when_a_row_it_writes_is_not_the_users_to_change(
    client, contributor, editor
):
    """A contributor's draft whose revision holds a correction (added while an editor had
    it): contributors may not change corrections, so they may not restore that revision."""
    client.force_login(contributor)
    client.post(reverse("admin:articles_article_add"), new_article_data(status="draft"))
    draft = Article.objects.get()
    with reversion.create_revision():
        reversion.add_to_revision(draft)
        correction = Correction.objects.create(article=draft, text="First wording.")
        reversion.add_to_revision(correction)
    version = Version.objects.get_for_object(draft).order_by("-pk").first()
    Correction.objects.filter(pk=correction.pk).update(text="Wording an editor settled.")
    page = client.get(revision_url(draft, version))
    assert page.status_code == 403
    assert client.post(revision_url(draft, version), {"title": "x"}).status_code == 403
    correction.refresh_from_db()
    assert correction.text == "Wording an editor settled."


def _reordered(tag):
    """The <img> tag `tag` with its attributes in reverse order, as CKEditor writes them."""
    name, *attributes = re.findall(r'<img|\s[\w-]+="[^"]*"', tag)
    return name + "".join(reversed(attributes)) + ">"


def last_change_message(article):
    entry = LogEntry.objects.filter(object_id=str(article.pk)).order_by("-pk").first()
    return entry.get_change_message()


def test_resaving_with_reordered_picture_attributes_does_not_log_a_body_change(client, editor):
    client.force_login(editor)
    image = ImageFactory()
    body = f"<p>The boat at sea.</p>{figures.figure_html(image, 'On trials')}"
    data = new_article_data(title="Boat on trials", body=body)
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    assert "<img " in article.body
    reordered = re.sub(r"<img\b[^>]*>", lambda m: _reordered(m.group(0)), article.body)
    reordered = reordered.replace("</p>", "</p>\n  ")
    assert reordered != article.body

    data = form_data(client.get(change_url(article)), title="Boat on sea trials", body=reordered)
    assert client.post(change_url(article), data).status_code == 302

    assert last_change_message(article) == "Changed Title."
    assert "Body" not in versions_of(article)[-1].revision.comment


def test_a_real_body_change_is_named_in_the_history(client, editor):
    client.force_login(editor)
    image = ImageFactory()
    body = f"<p>The boat at sea.</p>{figures.figure_html(image, 'On trials')}"
    client.post(reverse("admin:articles_article_add"), new_article_data(body=body))
    article = Article.objects.get()
    changed = article.body.replace("The boat at sea.", "The boat at anchor.")
    data = form_data(client.get(change_url(article)), body=changed)
    assert client.post(change_url(article), data).status_code == 302
    assert last_change_message(article) == "Changed Body."
    # A changed attribute value (the picture's alt text) is a real change too.
    article.refresh_from_db()
    changed = re.sub(r'alt="[^"]*"', 'alt="A boat at anchor"', article.body)
    data = form_data(client.get(change_url(article)), body=changed)
    assert client.post(change_url(article), data).status_code == 302
    assert last_change_message(article) == "Changed Body."


# --- A restore keeps the status and publication time of now (issue 23) -------------------


@pytest.fixture
def live_article(client, editor):
    """Saved first as a draft (revision 1), then published with more text (revision 2)."""
    client.force_login(editor)
    data = new_article_data(
        SectionFactory(), ImageFactory(), AuthorFactory(), title="Draft headline", body=BODY_V1
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    data = form_data(client.get(change_url(article)), title="Live headline", status="published")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_published
    return article


def test_restoring_a_draft_revision_keeps_the_live_article_published(client, live_article):
    published_at = live_article.published_at
    draft = versions_of(live_article)[0]
    page = client.get(revision_url(live_article, draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Draft headline" in html
    assert "status" not in page.context["adminform"].form.fields  # shown, not editable
    assert "This revision was saved as “Draft”, not on the site." in html
    assert "Warning: this takes the live article off the site at once." in html

    assert client.post(revision_url(live_article, draft), form_data(page)).status_code == 302
    live_article.refresh_from_db()
    assert live_article.title == "Draft headline"
    assert (live_article.status, live_article.published_at) == ("published", published_at)
    assert Client().get(live_article.get_absolute_url()).status_code == 200


def test_restoring_takes_the_old_status_only_when_the_editor_ticks_it(client, live_article):
    draft = versions_of(live_article)[0]
    page = client.get(revision_url(live_article, draft))
    data = form_data(page, restore_old_status="on")
    assert client.post(revision_url(live_article, draft), data).status_code == 302
    live_article.refresh_from_db()
    assert (live_article.title, live_article.status) == ("Draft headline", "draft")
    assert live_article.published_at is None
    assert Client().get(live_article.get_absolute_url()).status_code == 404


def test_taking_the_old_status_is_checked_by_the_workflow(client, live_article):
    """Taking the revision's status is a move like any other: an archived article cannot
    go back to "In review"."""
    data = form_data(client.get(change_url(live_article)), status="review")
    Article.objects.filter(pk=live_article.pk).update(status="draft")
    live_article.refresh_from_db()
    assert (
        client.post(
            change_url(live_article), data | {"loaded_version": str(live_article.version)}
        ).status_code
        == 302
    )
    in_review = versions_of(live_article)[-1]
    Article.objects.filter(pk=live_article.pk).update(status="archived")
    page = client.get(revision_url(live_article, in_review))
    assert "The article stays off the site either way." in page.content.decode()
    response = client.post(
        revision_url(live_article, in_review), form_data(page, restore_old_status="on")
    )
    assert response.status_code == 200
    assert "An article cannot go from “Archived” to “In review”." in response.content.decode()
    live_article.refresh_from_db()
    assert live_article.status == "archived"
